/**
 * The {@code cocoon} command line, runc-compatible. Commands engines call often (state, start,
 * kill, delete, list, pause, resume, version) touch only the state store and the control
 * socket; parsing config.json, plugins and native code load only for the commands that need them.
 */
module io.cocoon.cli {
    requires io.cocoon.core;
    requires io.cocoon.monitor;
    requires io.cocoon.guest;

    exports io.cocoon.cli;
    exports io.cocoon.cli.support;
}
