package io.cocoon.core.model;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * Where a guest process's stdio goes on the host: the caller's pipes, or a pty (whose master an
 * engine received over {@code --console-socket}). Implemented by the monitor module, which owns
 * the native pty calls; the container layer only moves bytes and window sizes.
 */
public interface Stdio extends AutoCloseable {
    /** Called with a new window size of the host terminal. */
    @FunctionalInterface
    interface ResizeListener {
        void resized(int rows, int cols);
    }

    InputStream in();

    OutputStream out();

    /** Null with a terminal: everything comes on the pty. */
    OutputStream err();

    boolean terminal();

    /** The host terminal's {rows, cols}, or null without one. */
    int[] size();

    /** Reports window-size changes of the host terminal until closed; nothing without one. */
    void forwardResizes(ResizeListener listener);

    @Override
    void close();
}
