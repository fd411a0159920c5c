package dev.poplar.server;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;

/**
 * Sets the process umask (umask(2)) so that every file RocksDB creates later (SST, WAL, MANIFEST)
 * is private whatever umask the process was started with: Java has no API for it, so this calls
 * libc through the Foreign Function API (final since JDK 22) by reflection, keeping the bytecode
 * runnable on JDK 21, where it does nothing and the launcher's and the systemd unit's umask apply.
 */
final class Umask {
    private static final System.Logger LOG = System.getLogger("dev.poplar.server");

    private Umask() {}

    /** Sets the umask to {@code mask} (e.g. 077); false when this JVM cannot. */
    static boolean set(int mask) {
        try {
            Class<?> linkerClass = Class.forName("java.lang.foreign.Linker");
            Class<?> layoutClass = Class.forName("java.lang.foreign.MemoryLayout");
            Class<?> descriptorClass = Class.forName("java.lang.foreign.FunctionDescriptor");
            Class<?> segmentClass = Class.forName("java.lang.foreign.MemorySegment");
            Class<?> optionClass = Class.forName("java.lang.foreign.Linker$Option");
            Object linker = linkerClass.getMethod("nativeLinker").invoke(null);
            Object lookup = linkerClass.getMethod("defaultLookup").invoke(linker);
            java.util.Optional<?> symbol = (java.util.Optional<?>) Class.forName("java.lang.foreign.SymbolLookup")
                    .getMethod("find", String.class)
                    .invoke(lookup, "umask");
            if (symbol.isEmpty()) {
                return false;
            }
            Object javaInt = Class.forName("java.lang.foreign.ValueLayout")
                    .getField("JAVA_INT")
                    .get(null);
            Object args = Array.newInstance(layoutClass, 1);
            Array.set(args, 0, javaInt);
            Object descriptor = descriptorClass
                    .getMethod("of", layoutClass, args.getClass())
                    .invoke(null, javaInt, args);
            MethodHandle umask = (MethodHandle) linkerClass
                    .getMethod(
                            "downcallHandle",
                            segmentClass,
                            descriptorClass,
                            Array.newInstance(optionClass, 0).getClass())
                    .invoke(linker, symbol.get(), descriptor, Array.newInstance(optionClass, 0));
            umask.invoke(mask);
            return true;
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot set the umask in-process: " + e);
            return false;
        }
    }
}
