/** Test support for the end-to-end suites: drives the built cocoon binary and makes bundles. */
@SuppressWarnings("requires-transitive-automatic") // protobuf, gRPC, Guava have no module-info; the stubs expose their types
module io.cocoon.conformance {
    requires java.net.http;
    requires io.cocoon.spi;
    requires java.compiler; // the plugin-drop test compiles a third-party plugin
    // the CRI client: generated messages and stubs, gRPC over netty's epoll unix socket
    requires transitive com.google.protobuf;
    requires transitive com.google.common;
    requires transitive io.grpc;
    requires transitive io.grpc.stub;
    requires transitive io.grpc.protobuf;
    requires io.grpc.netty;
    requires io.netty.common;
    requires io.netty.transport;
    requires io.netty.transport.classes.epoll;
    requires io.netty.transport.unix.common;

    exports io.cocoon.conformance;
    exports io.cocoon.conformance.cri;
    exports io.cocoon.conformance.cri.v1;
}
