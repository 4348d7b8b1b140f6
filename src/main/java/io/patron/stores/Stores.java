package io.patron.stores;

import io.patron.audit.AuditLog;
import io.patron.common.Caller;
import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.common.Secrets;
import io.patron.common.Validation;
import io.patron.stores.internal.StoreRepository;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The chain's stores and their tills. A till authenticates with an API key that belongs to exactly
 * one store; keys are stored hashed, shown once, and can be revoked or rotated.
 */
@Service
public class Stores {

    public static final String KEY_PREFIX = "pt_till_";
    private static final int KEY_RANDOM_LENGTH = 40;
    private static final Pattern CODE = Pattern.compile("[A-Z0-9][A-Z0-9_-]{0,31}");
    /** A revoked key stops working on every instance within this time. */
    private static final Duration KEY_CACHE_TTL = Duration.ofSeconds(5);
    private static final int KEY_CACHE_MAX = 10_000;

    private final StoreRepository repository;
    private final AuditLog audit;
    private final Clock clock;
    private final Map<String, CachedTill> keyCache = new ConcurrentHashMap<>();

    Stores(StoreRepository repository, AuditLog audit, Clock clock) {
        this.repository = repository;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    public Store create(String code, String name, String timeZone) {
        Validation v = new Validation();
        String normalisedCode = code == null ? "" : code.trim().toUpperCase();
        if (!CODE.matcher(normalisedCode).matches()) {
            v.reject("code", "1 to 32 letters, digits, '-' or '_'");
        }
        if (name == null || name.isBlank() || name.length() > 200) {
            v.reject("name", "is required, at most 200 characters");
        }
        ZoneId zone = null;
        try {
            zone = ZoneId.of(timeZone == null ? "" : timeZone.trim());
        } catch (DateTimeException e) {
            v.reject("timeZone", "is not a known time zone such as Europe/Moscow");
        }
        v.throwIfInvalid();
        if (repository.findByCode(normalisedCode).isPresent()) {
            throw ProblemException.conflict("STORE_CODE_TAKEN", "A store with this code exists.", "code");
        }
        Store store = repository.insert(normalisedCode, name.trim(), zone, now());
        audit.record("STORE_CREATED", "store", store.id(), null, store);
        return store;
    }

    public Optional<Store> find(StoreId id) {
        return repository.find(id);
    }

    public Store get(StoreId id) {
        return find(id).orElseThrow(() -> ProblemException.notFound("STORE_NOT_FOUND", "No store with id " + id + "."));
    }

    public Optional<Store> findByCode(String code) {
        return repository.findByCode(code);
    }

    public Page<Store> list(PageRequest page) {
        return repository.page(page);
    }

    public long count() {
        return repository.count();
    }

    public List<Till> tills(StoreId store) {
        return repository.tills(store);
    }

    public Optional<Till> till(long tillId) {
        return repository.till(tillId);
    }

    /** Adds a till; {@code presetKey} is used instead of a generated key (the bootstrap's configured key). */
    @Transactional
    public IssuedTillKey createTill(StoreId storeId, String name, String presetKey) {
        get(storeId);
        if (name == null || name.isBlank() || name.length() > 100) {
            throw ProblemException.invalid("name", "is required, at most 100 characters");
        }
        String key = presetKey == null || presetKey.isBlank() ? newKey() : presetKey.trim();
        if (key.length() < 16) {
            throw ProblemException.invalid("key", "a till key needs at least 16 characters");
        }
        Till till = repository.insertTill(storeId, name.trim(), Secrets.sha256(key), Secrets.hint(key), now());
        audit.record("TILL_CREATED", "till", till.id(), null, till);
        return new IssuedTillKey(till, key);
    }

    @Transactional
    public Till revokeTill(long tillId) {
        Till before = till(tillId).orElseThrow(() -> ProblemException.notFound("TILL_NOT_FOUND", "No such till."));
        repository.revoke(tillId, now());
        keyCache.clear();
        Till after = till(tillId).orElseThrow();
        audit.record("TILL_REVOKED", "till", tillId, before, after);
        return after;
    }

    /** Replaces a till's key: the old key stops working, the new one is returned once. */
    @Transactional
    public IssuedTillKey rotateTill(long tillId) {
        Till before = till(tillId).orElseThrow(() -> ProblemException.notFound("TILL_NOT_FOUND", "No such till."));
        if (!before.active()) {
            throw ProblemException.unprocessable("TILL_REVOKED", "A revoked till cannot get a new key.");
        }
        String key = newKey();
        repository.rotate(tillId, Secrets.sha256(key), Secrets.hint(key), now());
        keyCache.clear();
        Till after = till(tillId).orElseThrow();
        audit.record("TILL_KEY_ROTATED", "till", tillId, before, after);
        return new IssuedTillKey(after, key);
    }

    /** The till a presented API key belongs to, if the key is known and not revoked. */
    public Optional<Caller.Till> authenticate(String presentedKey) {
        String hash = Secrets.sha256(presentedKey);
        long nowMillis = clock.millis();
        CachedTill cached = keyCache.get(hash);
        if (cached != null && cached.expiresAtMillis > nowMillis) {
            return Optional.ofNullable(cached.till);
        }
        Optional<Caller.Till> till = repository.activeTillByKeyHash(hash);
        if (keyCache.size() >= KEY_CACHE_MAX) {
            keyCache.clear();
        }
        keyCache.put(hash, new CachedTill(till.orElse(null), nowMillis + KEY_CACHE_TTL.toMillis()));
        return till;
    }

    private static String newKey() {
        return KEY_PREFIX + Secrets.random(KEY_RANDOM_LENGTH);
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }

    private record CachedTill(Caller.Till till, long expiresAtMillis) {
    }
}
