/** jffi's native stub library (resources only). */
module org.jnrproject.jffi.nativelibs {
}
