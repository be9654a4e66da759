package io.cocoon.spi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an SPI type whose shape third-party drivers may rely on: it changes incompatibly only
 * with a new SPI major version ({@link SpiVersion}). Types without it are experimental (JUnit's
 * {@code @API(status = ...)} serves the same purpose).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Stable {
    /** The SPI version the type (in this shape) appeared in. */
    String since();
}
