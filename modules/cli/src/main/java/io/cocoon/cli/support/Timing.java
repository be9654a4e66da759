package io.cocoon.cli.support;

/** Debug-log time marks, in ms since main() was entered, to see where create's time goes. */
public final class Timing {
    private static final long START_NS = System.nanoTime();

    private Timing() {}

    public static void mark(Context ctx, String what) {
        if (ctx.log().debugEnabled()) ctx.log().debug("+" + (System.nanoTime() - START_NS) / 1_000_000 + " ms since main: " + what);
    }

    /** Fixes the origin; called first thing in main. */
    public static void init() {
        // class initialisation records START_NS
    }
}
