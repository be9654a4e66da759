package io.cocoon.spi.json;

/** A JSON document could not be read or a value could not be written. */
public class JsonException extends RuntimeException {
    public JsonException(String message) { super(message); }
}
