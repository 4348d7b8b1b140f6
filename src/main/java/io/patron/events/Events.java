package io.patron.events;

import io.patron.events.internal.EventStore;
import java.time.OffsetDateTime;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Records events in the caller's transaction: they exist exactly when the change that caused them does. */
@Service
public class Events {

    private final EventStore store;

    Events(EventStore store) {
        this.store = store;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public long record(String type, Long memberId, Long storeId, Map<String, Object> data, OffsetDateTime at) {
        return store.insert(type, memberId, storeId, data, at);
    }
}
