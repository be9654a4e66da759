package io.cocoon.spi;

import io.cocoon.spi.oci.Spec;

/**
 * Validates one section of config.json and contributes it to the {@link SandboxPlan}, as
 * cc-oci-runtime's {@code spec_handlers/} do. Core ships one handler per standard section;
 * plugins may add handlers, typically for their own annotations.
 *
 * <p>A handler throws {@link SpecException} naming the JSON path for invalid input, and calls
 * {@link SandboxPlan#warn} for a setting that a VM cannot honour but that is safe to ignore.
 */
public interface SpecHandler {
    /** The dotted section this handler owns, e.g. {@code process} or {@code linux.resources}. */
    String section();

    /** Handlers run in ascending order; core's use 100-900, so plugins can go before or after. */
    default int order() {
        return 500;
    }

    void apply(Spec spec, SandboxPlan plan);
}
