package io.cocoon.cli.support;

/** Debug-log time marks, in ms since this JVM started, to see where create's time goes. */
public final class Timing {
    private static final long START_MS = ProcessHandle.current().info().startInstant()
            .map(java.time.Instant::toEpochMilli).orElse(System.currentTimeMillis());

    private Timing() {}

    public static void mark(Context ctx, String what) {
        if (ctx.log().debugEnabled()) ctx.log().debug("+" + (System.currentTimeMillis() - START_MS) + " ms: " + what);
    }
}
