package io.patron.stores.web;

import io.patron.common.Caller;
import io.patron.common.Callers;
import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.stores.IssuedTillKey;
import io.patron.stores.Store;
import io.patron.stores.StoreId;
import io.patron.stores.Stores;
import io.patron.stores.Till;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Stores and till keys for scripts; a till may read its own store only. */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "Stores", description = "The chain's stores and their till API keys")
class StoreApiController {

    private final Stores stores;

    StoreApiController(Stores stores) {
        this.stores = stores;
    }

    @GetMapping("/stores")
    @PreAuthorize("hasAnyRole('ADMIN','SUPPORT','MARKETER','ANALYST')")
    Page<StoreView> list(@RequestParam Optional<Integer> page, @RequestParam Optional<Integer> size) {
        return stores.list(PageRequest.of(page.orElse(null), size.orElse(null), 50)).map(StoreView::of);
    }

    @PostMapping("/stores")
    @PreAuthorize("hasRole('ADMIN')")
    ResponseEntity<StoreView> create(@RequestBody StoreRequest request) {
        Store store = stores.create(request.code(), request.name(), request.timeZone());
        return ResponseEntity.created(URI.create("/api/v1/stores/" + store.id())).body(StoreView.of(store));
    }

    @GetMapping("/stores/current")
    @PreAuthorize("hasRole('TILL')")
    @Operation(summary = "The store of the calling till")
    StoreView current() {
        Caller.Till till = Callers.till().orElseThrow();
        return StoreView.of(stores.get(new StoreId(till.storeId())));
    }

    @GetMapping("/stores/{id}")
    @PreAuthorize("hasAnyRole('TILL','ADMIN','SUPPORT','MARKETER','ANALYST')")
    StoreView get(@PathVariable long id) {
        Callers.till().filter(t -> t.storeId() != id).ifPresent(t -> {
            throw ProblemException.forbidden("STORE_FORBIDDEN", "A till key acts only for its own store.");
        });
        return StoreView.of(stores.get(new StoreId(id)));
    }

    @GetMapping("/stores/{id}/tills")
    @PreAuthorize("hasRole('ADMIN')")
    List<TillView> tills(@PathVariable long id) {
        return stores.tills(stores.get(new StoreId(id)).id()).stream().map(t -> TillView.of(t, null)).toList();
    }

    @PostMapping("/stores/{id}/tills")
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Add a till", description = "The answer carries the till's API key; it is never shown again.")
    ResponseEntity<TillView> createTill(@PathVariable long id, @RequestBody TillRequest request) {
        IssuedTillKey issued = stores.createTill(new StoreId(id), request.name(), null);
        return ResponseEntity.status(201).body(TillView.of(issued.till(), issued.key()));
    }

    @PostMapping("/tills/{id}/rotate")
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Replace a till's key", description = "The old key stops working; the new one is shown once.")
    TillView rotate(@PathVariable long id) {
        IssuedTillKey issued = stores.rotateTill(id);
        return TillView.of(issued.till(), issued.key());
    }

    @PostMapping("/tills/{id}/revoke")
    @PreAuthorize("hasRole('ADMIN')")
    TillView revoke(@PathVariable long id) {
        return TillView.of(stores.revokeTill(id), null);
    }

    record StoreRequest(String code, String name, String timeZone) {
    }

    record TillRequest(String name) {
    }

    record StoreView(long id, String code, String name, String timeZone, OffsetDateTime createdAt) {
        static StoreView of(Store s) {
            return new StoreView(s.id().value(), s.code(), s.name(), s.timeZone().getId(), s.createdAt());
        }
    }

    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record TillView(long id, long storeId, String name, String keyHint, String key, OffsetDateTime createdAt,
                    OffsetDateTime revokedAt) {
        static TillView of(Till t, String key) {
            return new TillView(t.id(), t.storeId().value(), t.name(), t.keyHint(), key, t.createdAt(), t.revokedAt());
        }
    }
}
