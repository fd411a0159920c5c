package dev.poplar.pop3;

/** The contract over STLS served by the JDK's TLS (poplar.tls.provider=jdk). */
class JdkStlsPop3Test extends StlsPop3Test {
    @Override
    String[] serverSettings() {
        return new String[] {"POPLAR_TLS_PROVIDER", "jdk"};
    }
}
