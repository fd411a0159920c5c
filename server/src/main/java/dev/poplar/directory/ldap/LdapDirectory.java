package dev.poplar.directory.ldap;

import com.unboundid.ldap.sdk.BindRequest;
import com.unboundid.ldap.sdk.FailoverServerSet;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.OperationType;
import com.unboundid.ldap.sdk.PostConnectProcessor;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.ServerSet;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.ldap.sdk.SingleServerSet;
import com.unboundid.ldap.sdk.StartTLSPostConnectProcessor;
import com.unboundid.util.ssl.PEMFileTrustManager;
import dev.poplar.auth.hash.ImportedHash;
import dev.poplar.directory.DirectoryAttributes;
import dev.poplar.directory.DirectoryException;
import dev.poplar.directory.DirectoryUser;
import dev.poplar.directory.LoginParts;
import dev.poplar.directory.UserDirectory;
import dev.poplar.directory.Verdict;
import dev.poplar.storage.AccountNames;
import java.security.GeneralSecurityException;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * Users in an LDAP directory, with the UnboundID LDAP SDK: the user's entry is found with the
 * filter template by the service account, then the password is checked by binding as the entry's
 * DN (the directory applies its own hashes and policies) or by verifying its password attribute
 * here. Two connection pools, so that user binds never change the searching connections' identity.
 * Every operation has the configured timeout; a stale pooled connection (the directory restarted)
 * is replaced and the operation retried once.
 */
public final class LdapDirectory implements UserDirectory {
    private static final System.Logger LOG = System.getLogger("dev.poplar.directory");

    /** Bind results that mean "not this password / not this user", not "the directory failed". */
    private static final Set<ResultCode> REFUSALS = Set.of(
            ResultCode.INVALID_CREDENTIALS,
            ResultCode.INAPPROPRIATE_AUTHENTICATION,
            ResultCode.INVALID_DN_SYNTAX,
            ResultCode.NO_SUCH_OBJECT,
            ResultCode.CONSTRAINT_VIOLATION,
            ResultCode.UNWILLING_TO_PERFORM);

    private final LdapSettings settings;
    private final LDAPConnectionPool searches;
    private final LDAPConnectionPool binds;
    private final String[] requested;
    /**
     * Operations in flight, per pool: the pools create connections as needed (so that a directory
     * down at start-up costs nothing) and these bound them to poplar.ldap.pool-size each, so a
     * burst of logins cannot open thousands of connections to the directory.
     */
    private final Semaphore searching;

    private final Semaphore binding;

    private LdapDirectory(LdapSettings settings, LDAPConnectionPool searches, LDAPConnectionPool binds) {
        this.settings = settings;
        this.searching = new Semaphore(settings.poolSize());
        this.binding = new Semaphore(settings.poolSize());
        this.searches = searches;
        this.binds = binds;
        this.requested = settings.attributes().requested().stream()
                .filter(a -> settings.check() == LdapSettings.PasswordCheck.PASSWORD_ATTRIBUTE
                        || !a.equals(settings.attributes().password()))
                .toArray(String[]::new);
    }

    /**
     * Pools to the configured servers. A directory that is down now does not stop the server: the
     * pools start empty and connect when asked (logins of its users fail with [SYS/TEMP] until then).
     *
     * @throws IllegalArgumentException for settings that can never work (a bad filter, an unreadable CA file)
     */
    public static LdapDirectory open(LdapSettings settings) {
        try {
            Filter.create(LoginParts.of("probe@example.org").expand(settings.userFilter(), Filter::encodeValue));
        } catch (LDAPException e) {
            throw new IllegalArgumentException(
                    "poplar.ldap.user-filter is not a valid LDAP filter: " + e.getExceptionMessage());
        }
        LDAPConnectionOptions options = new LDAPConnectionOptions();
        int millis = (int) Math.min(Integer.MAX_VALUE, settings.timeout().toMillis());
        options.setConnectTimeoutMillis(millis);
        options.setResponseTimeoutMillis(millis);
        options.setAbandonOnTimeout(true);
        PostConnectProcessor startTls = null;
        SocketFactory sockets = SocketFactory.getDefault();
        boolean anyTls = settings.startTls() || settings.servers().stream().anyMatch(LdapSettings.Server::ldaps);
        if (anyTls) {
            SSLSocketFactory tls = tlsSockets(settings);
            if (settings.startTls()) {
                startTls = new StartTLSPostConnectProcessor(tls);
            }
            if (settings.servers().stream().anyMatch(LdapSettings.Server::ldaps)) {
                sockets = tls;
            }
        }
        ServerSet servers = serverSet(settings, sockets, options);
        BindRequest service =
                settings.bindDn().isEmpty() ? null : new SimpleBindRequest(settings.bindDn(), settings.bindPassword());
        try {
            LDAPConnectionPool searches =
                    new LDAPConnectionPool(servers, service, 1, settings.poolSize(), startTls, false);
            LDAPConnectionPool binds = new LDAPConnectionPool(servers, null, 1, settings.poolSize(), startTls, false);
            for (LDAPConnectionPool p : List.of(searches, binds)) {
                p.setMaxWaitTimeMillis(millis);
                p.setCreateIfNecessary(true);
                p.setRetryFailedOperationsDueToInvalidConnections(EnumSet.of(OperationType.SEARCH, OperationType.BIND));
                p.setConnectionPoolName(p == searches ? "poplar-ldap-search" : "poplar-ldap-bind");
            }
            return new LdapDirectory(settings, searches, binds);
        } catch (LDAPException e) {
            throw new IllegalArgumentException("cannot set up the LDAP connection pool: " + e.getExceptionMessage());
        }
    }

    private static ServerSet serverSet(LdapSettings settings, SocketFactory sockets, LDAPConnectionOptions options) {
        List<SingleServerSet> each = settings.servers().stream()
                .map(s -> new SingleServerSet(
                        s.host(), s.port(), s.ldaps() ? sockets : SocketFactory.getDefault(), options))
                .toList();
        return each.size() == 1 ? each.getFirst() : new FailoverServerSet(each.toArray(ServerSet[]::new));
    }

    /**
     * The JDK's TLS with the trust anchors of ca-file (or the runtime's trust store): its trust
     * managers apply the endpoint identification HostCheckingSockets asks for (a trust manager
     * wrapped by another library may skip it).
     */
    private static SSLSocketFactory tlsSockets(LdapSettings settings) {
        try {
            javax.net.ssl.TrustManager[] trust;
            if (settings.caFile().isPresent()) {
                trust = new javax.net.ssl.TrustManager[] {
                    new PEMFileTrustManager(settings.caFile().get().toFile())
                };
            } else {
                javax.net.ssl.TrustManagerFactory f = javax.net.ssl.TrustManagerFactory.getInstance(
                        javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
                f.init((java.security.KeyStore) null);
                trust = f.getTrustManagers();
            }
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, trust, null);
            return new HostCheckingSockets(context.getSocketFactory());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("poplar.ldap.ca-file cannot be used: " + e.getMessage());
        }
    }

    @Override
    public String name() {
        return "ldap";
    }

    @Override
    public Optional<DirectoryUser> find(String login) throws DirectoryException {
        SearchResultEntry entry = search(login);
        return entry == null ? Optional.empty() : user(login, entry);
    }

    @Override
    public Verdict verify(String login, String password) throws DirectoryException {
        SearchResultEntry entry = search(login);
        if (entry == null) {
            return Verdict.UNKNOWN;
        }
        Optional<DirectoryUser> user = user(login, entry);
        if (user.isEmpty()) {
            return Verdict.UNKNOWN;
        }
        if (password.isEmpty()) {
            // An empty password makes a simple bind "unauthenticated" and succeed (RFC 4513 section 5.1.2).
            return new Verdict.Rejected("empty password");
        }
        boolean right = settings.check() == LdapSettings.PasswordCheck.BIND
                ? bind(entry.getDN(), password)
                : attributeMatches(entry, password);
        if (!right) {
            return new Verdict.Rejected("bad credentials");
        }
        return user.get().enabled() ? new Verdict.Accepted(user.get()) : new Verdict.Rejected("account disabled");
    }

    @Override
    public void probe() throws DirectoryException {
        try {
            if (searches.getRootDSE() == null) {
                throw new DirectoryException(name(), "no root DSE");
            }
        } catch (LDAPException e) {
            throw failure("probe", e);
        }
    }

    @Override
    public void close() {
        searches.close();
        binds.close();
    }

    /** The single entry the filter finds for this login, or null; several are a directory error. */
    private SearchResultEntry search(String login) throws DirectoryException {
        String filter = LoginParts.of(login).expand(settings.userFilter(), Filter::encodeValue);
        SearchResult result;
        try {
            SearchRequest request =
                    new SearchRequest(settings.base(), SearchScope.SUB, Filter.create(filter), requested);
            request.setSizeLimit(2);
            request.setTimeLimitSeconds((int) Math.max(1, settings.timeout().toSeconds()));
            request.setResponseTimeoutMillis(settings.timeout().toMillis());
            acquire(searching, "search");
            try {
                result = searches.search(request);
            } finally {
                searching.release();
            }
        } catch (LDAPSearchException e) {
            if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
                throw ambiguous(login);
            }
            throw failure("search", e);
        } catch (LDAPException e) {
            throw failure("search", e);
        }
        List<SearchResultEntry> entries = result.getSearchEntries();
        if (entries.size() > 1) {
            throw ambiguous(login);
        }
        return entries.isEmpty() ? null : entries.getFirst();
    }

    private DirectoryException ambiguous(String login) {
        return new DirectoryException(
                name(), "poplar.ldap.user-filter matches more than one entry for " + login + ": make it unique");
    }

    private Optional<DirectoryUser> user(String login, SearchResultEntry entry) {
        LdapSettings.Attributes a = settings.attributes();
        String name = a.name().isEmpty() ? login : entry.getAttributeValue(a.name());
        if (name == null || !AccountNames.isValid(name)) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "ldap directory: entry " + entry.getDN() + " has no usable account name in " + a.name()
                            + " (letters, digits and . _ - + @ =); the user is treated as unknown");
            return Optional.empty();
        }
        String normalized = AccountNames.normalize(name);
        return Optional.of(new DirectoryUser(
                normalized,
                a.enabled().isEmpty() || DirectoryAttributes.enabled(entry.getAttributeValue(a.enabled())),
                DirectoryAttributes.limits(
                        normalized,
                        value(entry, a.quota()),
                        value(entry, a.quotaMessages()),
                        value(entry, a.retention()))));
    }

    private static String value(SearchResultEntry entry, String attribute) {
        return attribute.isEmpty() ? null : entry.getAttributeValue(attribute);
    }

    private boolean bind(String dn, String password) throws DirectoryException {
        acquire(binding, "bind");
        try {
            return bindOnPool(dn, password);
        } finally {
            binding.release();
        }
    }

    private boolean bindOnPool(String dn, String password) throws DirectoryException {
        LDAPConnection connection;
        try {
            connection = binds.getConnection();
        } catch (LDAPException e) {
            throw failure("bind", e);
        }
        try {
            connection.bind(new SimpleBindRequest(dn, password));
            binds.releaseConnection(connection);
            return true;
        } catch (LDAPException e) {
            if (REFUSALS.contains(e.getResultCode())) {
                binds.releaseConnection(connection);
                return false;
            }
            binds.releaseDefunctConnection(connection);
            throw failure("bind", e);
        }
    }

    private boolean attributeMatches(SearchResultEntry entry, String password) {
        String[] hashes = entry.getAttributeValues(settings.attributes().password());
        if (hashes == null) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "ldap directory: entry " + entry.getDN() + " has no "
                            + settings.attributes().password()
                            + " the service account may read; its user cannot log in");
            return false;
        }
        for (String h : hashes) {
            ImportedHash hash;
            try {
                // RFC 2307 / slapd: a value without a {SCHEME} is the password in clear text.
                hash = ImportedHash.parse(h.startsWith("{") ? h : "{PLAIN}" + h);
            } catch (IllegalArgumentException e) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "ldap directory: entry " + entry.getDN() + " has a password value Poplar cannot verify: "
                                + e.getMessage());
                continue;
            }
            if (hash.verify(password)) {
                return true;
            }
        }
        return false;
    }

    private void acquire(Semaphore permits, String operation) throws DirectoryException {
        boolean got;
        try {
            got = permits.tryAcquire(settings.timeout().toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            got = false;
        }
        if (!got) {
            throw new DirectoryException(
                    name(),
                    operation + ": all " + settings.poolSize() + " connections stayed busy for "
                            + settings.timeout().toMillis() + " ms (poplar.ldap.pool-size)");
        }
    }

    private DirectoryException failure(String operation, LDAPException e) {
        return new DirectoryException(
                name(), operation + " failed: " + e.getResultCode() + " " + e.getExceptionMessage(), e);
    }
}
