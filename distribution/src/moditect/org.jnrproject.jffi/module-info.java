module org.jnrproject.jffi {
    requires java.logging;

    requires transitive jdk.unsupported;
    // added: nothing else requires the native stub module, so without this it is linked but not resolved
    requires org.jnrproject.jffi.nativelibs;

    exports com.kenai.jffi;
    exports com.kenai.jffi.internal;

}
