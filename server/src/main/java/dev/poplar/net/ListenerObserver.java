package dev.poplar.net;

/** Connection events a listener reports (to metrics). */
public interface ListenerObserver {
    void accepted();

    void rejected(Rejection why);
}
