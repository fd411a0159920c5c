package dev.poplar.pop3;

/** The contract over implicit TLS served by the JDK's TLS (poplar.tls.provider=jdk). */
class JdkImplicitTlsPop3Test extends ImplicitTlsPop3Test {
    @Override
    String[] serverSettings() {
        return new String[] {"POPLAR_TLS_PROVIDER", "jdk"};
    }
}
