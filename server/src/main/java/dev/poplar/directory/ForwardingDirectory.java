package dev.poplar.directory;

/**
 * A directory in front of another (a cache, a meter): what it does not change is the inner
 * directory's.
 */
abstract class ForwardingDirectory implements UserDirectory {
    protected final UserDirectory inner;

    ForwardingDirectory(UserDirectory inner) {
        this.inner = inner;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public boolean storesScramKeys() {
        return inner.storesScramKeys();
    }

    @Override
    public void probe() throws DirectoryException {
        inner.probe();
    }

    @Override
    public void close() {
        inner.close();
    }
}
