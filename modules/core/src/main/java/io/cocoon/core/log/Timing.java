package io.cocoon.core.log;

/** Debug-log time marks, in ms since the process's main() began, to see where create's time goes. */
public final class Timing {
    private static final long START_NS = System.nanoTime();

    private Timing() {}

    public static void mark(String what) {
        RuntimeLog log = RuntimeLog.get();
        if (log.debugEnabled()) log.debug("+" + (System.nanoTime() - START_NS) / 1_000_000 + " ms since main: " + what);
    }

    /** Fixes the origin; called first thing in main. */
    public static void init() {
        // class initialisation records START_NS
    }
}
