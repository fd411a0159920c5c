package dev.poplar.server;

import dev.poplar.config.DirectoryConfig;
import dev.poplar.directory.CachedDirectory;
import dev.poplar.directory.DirectoryHealth;
import dev.poplar.directory.MeteredDirectory;
import dev.poplar.directory.UserDirectory;
import dev.poplar.directory.ldap.LdapDirectory;
import dev.poplar.directory.sql.SqlDirectory;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The remote directories of poplar.directory.chain, built from the configuration: each one timed
 * below its cache (MeteredDirectory, then CachedDirectory), its cache and health exported as
 * metrics, and probed for /health/ready. The internal directory is the Authenticator's own.
 */
final class UserDirectories implements AutoCloseable {
    private final Map<String, UserDirectory> byName = new LinkedHashMap<>();
    private final List<CachedDirectory> caches = new ArrayList<>();
    private final DirectoryHealth health;

    UserDirectories(DirectoryConfig config, MeterRegistry registry) {
        List<UserDirectory> remote = new ArrayList<>();
        for (String name : config.chain()) {
            UserDirectory d = switch (name) {
                case "ldap" -> LdapDirectory.open(config.ldap().orElseThrow());
                case "sql" -> SqlDirectory.open(config.sql().orElseThrow());
                default -> null; // internal
            };
            if (d == null) {
                continue;
            }
            CachedDirectory cached = new CachedDirectory(
                    new MeteredDirectory(d, registry), config.cacheSize(), config.cacheTtl(), config.negativeTtl());
            caches.add(cached);
            byName.put(name, cached);
            remote.add(cached);
        }
        health = new DirectoryHealth(remote, Duration.ofSeconds(5), System::nanoTime);
        for (CachedDirectory c : caches) {
            FunctionCounter.builder("poplar.directory.cache.hits", c, CachedDirectory::hits)
                    .tag("directory", c.name())
                    .description("Lookups and logins a directory's cache answered")
                    .register(registry);
            FunctionCounter.builder("poplar.directory.cache.misses", c, CachedDirectory::misses)
                    .tag("directory", c.name())
                    .description("Lookups and logins that went to the directory")
                    .register(registry);
            Gauge.builder("poplar.directory.cache.entries", c, CachedDirectory::size)
                    .tag("directory", c.name())
                    .description("Users a directory's cache holds now")
                    .register(registry);
            Gauge.builder("poplar.directory.up", c, health::up)
                    .tag("directory", c.name())
                    .description("1 when the directory answered its last probe (at most one every 5 s)")
                    .register(registry);
        }
    }

    /** The remote directories by name, for the Authenticator. */
    Map<String, UserDirectory> byName() {
        return byName;
    }

    DirectoryHealth health() {
        return health;
    }

    /** Forgets cached answers: one login's, or all (empty). The number of entries dropped. */
    int flush(java.util.Optional<String> login) {
        return caches.stream().mapToInt(c -> c.flush(login)).sum();
    }

    @Override
    public void close() {
        byName.values().forEach(UserDirectory::close);
    }
}
