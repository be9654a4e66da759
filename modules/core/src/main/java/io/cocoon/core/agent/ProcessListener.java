package io.cocoon.core.agent;

/** Receives one guest process's stream and exit frames, on the client's reader thread. */
public interface ProcessListener {
    /** Output bytes; an empty array means the stream has ended. Must not block for long. */
    void output(int stream, byte[] data);

    void stdinCredit(int bytes);

    void exit(ExitStatus status);

    /** The channel to the agent is gone; no more frames will come. */
    void channelClosed(String why);
}
