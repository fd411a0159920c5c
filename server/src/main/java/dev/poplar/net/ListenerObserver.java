package dev.poplar.net;

/** Connection events a listener reports (to metrics). */
public interface ListenerObserver {
    ListenerObserver NONE = new ListenerObserver() {
        @Override
        public void accepted() {
        }
    };

    void accepted();
}
