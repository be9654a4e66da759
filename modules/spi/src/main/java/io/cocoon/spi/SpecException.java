package io.cocoon.spi;

/**
 * A config.json field is invalid or cannot be honoured. The message names the JSON path, as in
 * {@code process.args: must be a non-empty array}.
 */
public class SpecException extends CocoonException {
    private final String path;

    public SpecException(String path, String problem) {
        super(path + ": " + problem);
        this.path = path;
    }

    /** The JSON path of the offending field, dotted, with [i] for array elements. */
    public String path() {
        return path;
    }
}
