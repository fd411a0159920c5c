import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.util.Arrays;

/**
 * The CPU cost of one Poplar login's password hash (PBKDF2-HMAC-SHA-256, 256-bit output, as
 * dev.poplar.auth.PasswordHasher) at several iteration counts, on one core: median of 5 runs of
 * 200 hashes after a warm-up. Run by benchmarks/hash-cost.sh.
 */
public class HashCost {
    public static void main(String[] args) throws Exception {
        SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
        byte[] salt = new byte[16];
        int[] counts = args.length > 0 ? Arrays.stream(args).mapToInt(Integer::parseInt).toArray()
                : new int[] {4096, 10_000, 50_000, 100_000, 210_000};
        for (int i = 0; i < 300; i++) {
            f.generateSecret(new PBEKeySpec("warm-up".toCharArray(), salt, 4096, 256)).getEncoded();
        }
        System.out.println("| iterations | CPU per login hash (ms) | logins/s per core (hash only) |");
        System.out.println("|---|---|---|");
        for (int iterations : counts) {
            int n = Math.max(20, (int) (200L * 4096 / iterations));
            double[] runs = new double[5];
            for (int r = 0; r < runs.length; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    f.generateSecret(new PBEKeySpec(("password-" + i).toCharArray(), salt, iterations, 256)).getEncoded();
                }
                runs[r] = (System.nanoTime() - t0) / 1e6 / n;
            }
            Arrays.sort(runs);
            double ms = runs[runs.length / 2];
            System.out.printf("| %,d | %.2f | %,d |%n", iterations, ms, Math.round(1000 / ms));
        }
    }
}
