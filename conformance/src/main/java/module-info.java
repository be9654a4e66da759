/** Test support for the end-to-end suites: drives the built cocoon binary and makes bundles. */
module io.cocoon.conformance {
    requires io.cocoon.spi;
    requires java.compiler; // the plugin-drop test compiles a third-party plugin

    exports io.cocoon.conformance;
}
