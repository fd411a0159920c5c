import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;

/**
 * What a message (1 MiB unless a size is given) costs a virtual thread to send over loopback, by
 * how it is written:
 * "stream" as Poplar's RETR does now (64 KiB chunks through the socket's OutputStream, which the
 * JDK copies into a direct buffer and sends 128 KiB at most per call), or "gather" (the 16
 * chunks in direct buffers, one gathering SocketChannel write). The readers run in a second
 * process, so the CPU printed is the senders' alone. docs/benchmarks.md, "Two certificates,
 * probes that leave, and the floor under RETR".
 *
 *   java benchmarks/floor/GatherSend.java stream 50 200     # MODE CONNECTIONS MESSAGES-EACH, from the repository root
 *   java benchmarks/floor/GatherSend.java gather 50 200
 *   java benchmarks/floor/GatherSend.java stream 50 20000 4096
 */
public class GatherSend {
    /** Run from the repository root: the readers are this file again, in a second JVM. */
    private static final String SOURCE = "benchmarks/floor/GatherSend.java";

    private static final int CHUNK = 64 * 1024;

    public static void main(String[] args) throws Exception {
        if (args[0].equals("read")) {
            read(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            return;
        }
        String mode = args[0];
        int connections = Integer.parseInt(args[1]);
        int messages = Integer.parseInt(args[2]);
        int size = args.length > 3 ? Integer.parseInt(args[3]) : 1 << 20;
        int chunks = (size + CHUNK - 1) / CHUNK;
        ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
        String java = ProcessHandle.current().info().command().orElse("java");
        Process readers = new ProcessBuilder(java, SOURCE, "read", "" + port, "" + connections)
                .inheritIO()
                .start();
        var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        CountDownLatch done = new CountDownLatch(connections);
        SocketChannel[] accepted = new SocketChannel[connections];
        for (int i = 0; i < connections; i++) {
            accepted[i] = listener.accept();
        }
        long cpu0 = os.getProcessCpuTime();
        for (SocketChannel sc : accepted) {
            Thread.ofVirtual().start(() -> {
                try (sc) {
                    sc.socket().setTcpNoDelay(true);
                    if (mode.equals("stream")) {
                        OutputStream out = sc.socket().getOutputStream();
                        byte[] chunk = new byte[CHUNK];
                        for (int m = 0; m < messages; m++) {
                            for (int left = size; left > 0; left -= CHUNK) {
                                out.write(chunk, 0, Math.min(left, CHUNK));
                            }
                        }
                    } else {
                        ByteBuffer[] parts = new ByteBuffer[chunks];
                        for (int k = 0; k < chunks; k++) {
                            parts[k] = ByteBuffer.allocateDirect(Math.min(CHUNK, size - k * CHUNK));
                        }
                        for (int m = 0; m < messages; m++) {
                            for (ByteBuffer b : parts) {
                                b.clear();
                            }
                            for (long left = size; left > 0; ) {
                                left -= sc.write(parts);
                            }
                        }
                    }
                } catch (IOException e) {
                    e.printStackTrace();
                }
                done.countDown();
            });
        }
        done.await();
        long cpu = os.getProcessCpuTime() - cpu0;
        readers.waitFor();
        System.out.printf("%s, %d connections, %d-byte messages: %.1f us of the senders' CPU per message%n",
                mode, connections, size, cpu / 1e3 / ((double) connections * messages));
    }

    private static void read(int port, int connections) throws Exception {
        Thread[] readers = new Thread[connections];
        for (int i = 0; i < connections; i++) {
            Socket s = new Socket("127.0.0.1", port);
            readers[i] = Thread.ofPlatform().start(() -> {
                byte[] buf = new byte[CHUNK];
                try (s; InputStream in = s.getInputStream()) {
                    while (in.read(buf) >= 0) {
                        // drain
                    }
                } catch (IOException e) {
                    e.printStackTrace();
                }
            });
        }
        for (Thread t : readers) {
            t.join();
        }
    }
}
