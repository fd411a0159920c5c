package dev.poplar.net;

/** Connection events a listener reports (to metrics). */
public interface ListenerObserver {
    ListenerObserver NONE = new ListenerObserver() {
        @Override
        public void accepted() {
        }

        @Override
        public void rejected(Rejection why) {
        }
    };

    void accepted();

    void rejected(Rejection why);
}
