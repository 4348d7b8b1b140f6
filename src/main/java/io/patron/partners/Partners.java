package io.patron.partners;

import io.patron.audit.AuditLog;
import io.patron.common.Caller;
import io.patron.common.ProblemException;
import io.patron.common.Secrets;
import io.patron.common.Validation;
import io.patron.ledger.Ledger;
import io.patron.partners.internal.PartnerRepository;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The partners of the coalition, their API keys (hashed, shown once, scoped to the partner API) and
 * the people who read their statements in the partner portal. A new partner gets its own programme
 * accounts in the ledger, so the points it issued and the points redeemed at it are known exactly.
 */
@Service
public class Partners {

    public static final String KEY_PREFIX = "pp_";
    public static final int PASSWORD_MIN = 10;
    private static final int KEY_RANDOM_LENGTH = 40;
    private static final Pattern CODE = Pattern.compile("[A-Z0-9][A-Z0-9_-]{1,39}");
    private static final Pattern USERNAME = Pattern.compile("[a-zA-Z0-9._@-]{3,64}");
    private static final Duration KEY_CACHE_TTL = Duration.ofSeconds(5);
    private static final int KEY_CACHE_MAX = 10_000;
    private static final BigDecimal RATE_MAX = new BigDecimal("1000");
    private static final BigDecimal PRICE_MAX = new BigDecimal("100000");

    private final PartnerRepository repository;
    private final Ledger ledger;
    private final AuditLog audit;
    private final PasswordEncoder passwords;
    private final Clock clock;
    private final Map<String, CachedKey> keyCache = new ConcurrentHashMap<>();

    Partners(PartnerRepository repository, Ledger ledger, AuditLog audit, PasswordEncoder passwords, Clock clock) {
        this.repository = repository;
        this.ledger = ledger;
        this.audit = audit;
        this.passwords = passwords;
        this.clock = clock;
    }

    private record CachedKey(Caller.Partner partner, long expiresAtMillis) {
    }

    @Transactional
    public Partner create(PartnerRequest r) {
        String code = r.code() == null ? "" : r.code().trim().toUpperCase(Locale.ROOT);
        Validation v = new Validation();
        if (!CODE.matcher(code).matches()) {
            v.reject("code", "2 to 40 capital letters, digits, '-' or '_'");
        } else if (repository.findByCode(code).isPresent()) {
            throw ProblemException.conflict("PARTNER_CODE_TAKEN", "A partner with code " + code + " exists.", "code");
        }
        Partner draft = apply(new Partner(0, code, null, null, null, null, Partner.Status.ACTIVE, BigDecimal.ONE.movePointLeft(1),
                false, BigDecimal.ZERO, BigDecimal.ZERO, new BigDecimal("100"), Partner.Period.MONTHLY, "RUB", 0, 0,
                OffsetDateTime.now(clock)), r, v);
        v.throwIfInvalid();
        long id = repository.nextPartnerId();
        Ledger.PartnerAccounts accounts = ledger.openPartnerAccounts(id);
        Partner partner = new Partner(id, code, draft.name(), draft.contactName(), draft.contactEmail(), draft.contactPhone(),
                draft.status(), draft.earnRate(), draft.burnAccepted(), draft.issuePrice(), draft.redeemPrice(), draft.cobrandShare(),
                draft.period(), draft.currency(), accounts.issued(), accounts.redeemed(), draft.createdAt());
        repository.insert(partner);
        audit.record("PARTNER_CREATED", "partner", id, null, partner);
        return partner;
    }

    /** Changes a partner's settings; prices apply to statements drafted from now on (drafted ones keep theirs). */
    @Transactional
    public Partner update(long id, PartnerRequest r) {
        Partner before = get(id);
        Validation v = new Validation();
        Partner after = apply(before, r, v);
        v.throwIfInvalid();
        repository.update(after);
        keyCache.clear();
        audit.record("PARTNER_UPDATED", "partner", id, before, after);
        return after;
    }

    private static Partner apply(Partner p, PartnerRequest r, Validation v) {
        String name = r.name() != null ? r.name().trim() : p.name();
        if (name == null || name.isEmpty() || name.length() > 200) {
            v.reject("name", "is required, at most 200 characters");
        }
        String contactName = text(r.contactName(), p.contactName(), 200, "contactName", v);
        String contactEmail = text(r.contactEmail(), p.contactEmail(), 254, "contactEmail", v);
        if (contactEmail != null && !contactEmail.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            v.reject("contactEmail", "an e-mail address");
        }
        String contactPhone = text(r.contactPhone(), p.contactPhone(), 40, "contactPhone", v);
        BigDecimal earnRate = number(r.earnRate(), p.earnRate(), RATE_MAX, 4, "earnRate", v);
        BigDecimal issuePrice = number(r.issuePrice(), p.issuePrice(), PRICE_MAX, 4, "issuePrice", v);
        BigDecimal redeemPrice = number(r.redeemPrice(), p.redeemPrice(), PRICE_MAX, 4, "redeemPrice", v);
        BigDecimal share = number(r.cobrandShare(), p.cobrandShare(), new BigDecimal("100"), 2, "cobrandShare", v);
        boolean burn = r.burnAccepted() != null ? r.burnAccepted() : p.burnAccepted();
        if (burn && redeemPrice != null && redeemPrice.signum() <= 0) {
            v.reject("redeemPrice", "must be above 0 where points can be spent: it is what a point takes off a receipt");
        }
        String currency = r.currency() != null ? r.currency().trim().toUpperCase(Locale.ROOT) : p.currency();
        try {
            Currency.getInstance(currency);
        } catch (IllegalArgumentException | NullPointerException e) {
            v.reject("currency", "an ISO 4217 code such as RUB or EUR");
        }
        return new Partner(p.id(), p.code(), name, contactName, contactEmail, contactPhone,
                r.status() != null ? r.status() : p.status(), earnRate, burn, issuePrice, redeemPrice, share,
                r.period() != null ? r.period() : p.period(), currency, p.issuedAccountId(), p.redeemedAccountId(), p.createdAt());
    }

    private static String text(String given, String current, int max, String field, Validation v) {
        if (given == null) {
            return current;
        }
        String t = given.trim();
        if (t.length() > max) {
            v.reject(field, "at most " + max + " characters");
        }
        return t.isEmpty() ? null : t;
    }

    private static BigDecimal number(BigDecimal given, BigDecimal current, BigDecimal max, int scale, String field, Validation v) {
        BigDecimal n = given != null ? given : current;
        if (n == null || n.signum() < 0 || n.compareTo(max) > 0 || n.stripTrailingZeros().scale() > scale) {
            v.reject(field, "a number from 0 to " + max.toPlainString() + " with at most " + scale + " decimals");
            return current;
        }
        return n.setScale(scale, java.math.RoundingMode.UNNECESSARY);
    }

    public Partner get(long id) {
        return repository.find(id).orElseThrow(() -> ProblemException.notFound("PARTNER_NOT_FOUND", "No partner " + id + "."));
    }

    public Optional<Partner> find(long id) {
        return repository.find(id);
    }

    public Optional<Partner> findByCode(String code) {
        return repository.findByCode(code == null ? "" : code.trim().toUpperCase(Locale.ROOT));
    }

    public List<Partner> list() {
        return repository.list(1000);
    }

    // --- API keys

    /** A new key for the partner API: returned once, stored hashed. */
    @Transactional
    public IssuedKey createKey(long partnerId, String name) {
        get(partnerId);
        if (name == null || name.isBlank() || name.length() > 100) {
            throw ProblemException.invalid("name", "is required, at most 100 characters");
        }
        String key = KEY_PREFIX + Secrets.random(KEY_RANDOM_LENGTH);
        PartnerKey stored = repository.insertKey(partnerId, name.trim(), Secrets.sha256(key), Secrets.hint(key), OffsetDateTime.now(clock));
        audit.record("PARTNER_KEY_CREATED", "partner", partnerId, null, stored);
        return new IssuedKey(stored, key);
    }

    public record IssuedKey(PartnerKey key, String secret) {
    }

    @Transactional
    public void revokeKey(long partnerId, long keyId) {
        if (repository.revokeKey(partnerId, keyId, OffsetDateTime.now(clock)) == 0) {
            throw ProblemException.notFound("KEY_NOT_FOUND", "No active key " + keyId + " of this partner.");
        }
        keyCache.clear();
        audit.record("PARTNER_KEY_REVOKED", "partner", partnerId, null, Map.of("key", keyId));
    }

    public List<PartnerKey> keys(long partnerId) {
        return repository.keys(partnerId);
    }

    /** The partner a presented key belongs to, if the key is active and the partner too (cached for a few seconds). */
    public Optional<Caller.Partner> authenticate(String presentedKey) {
        String hash = Secrets.sha256(presentedKey);
        long nowMillis = clock.millis();
        CachedKey cached = keyCache.get(hash);
        if (cached != null && cached.expiresAtMillis() > nowMillis) {
            return Optional.ofNullable(cached.partner());
        }
        Optional<Caller.Partner> partner = repository.partnerByKeyHash(hash);
        if (keyCache.size() >= KEY_CACHE_MAX) {
            keyCache.clear();
        }
        keyCache.put(hash, new CachedKey(partner.orElse(null), nowMillis + KEY_CACHE_TTL.toMillis()));
        return partner;
    }

    // --- portal users

    @Transactional
    public PartnerUser createUser(long partnerId, String username, String password, String displayName) {
        get(partnerId);
        Validation v = new Validation();
        String name = username == null ? "" : username.trim().toLowerCase(Locale.ROOT);
        if (!USERNAME.matcher(name).matches()) {
            v.reject("username", "3 to 64 letters, digits, '.', '_', '@' or '-'");
        }
        if (password == null || password.length() < PASSWORD_MIN || password.length() > 200) {
            v.reject("password", "at least " + PASSWORD_MIN + " characters");
        }
        String display = displayName == null || displayName.isBlank() ? name : displayName.trim();
        if (display.length() > 100) {
            v.reject("displayName", "at most 100 characters");
        }
        v.throwIfInvalid();
        if (repository.credentials(name).isPresent()) {
            throw ProblemException.conflict("USERNAME_TAKEN", "User name " + name + " is taken.", "username");
        }
        PartnerUser user = repository.insertUser(partnerId, name, passwords.encode(password), display, OffsetDateTime.now(clock));
        audit.record("PARTNER_USER_CREATED", "partner", partnerId, null, user);
        return user;
    }

    @Transactional
    public void setUserEnabled(long partnerId, long userId, boolean enabled) {
        if (repository.setUserEnabled(partnerId, userId, enabled) == 0) {
            throw ProblemException.notFound("USER_NOT_FOUND", "No user " + userId + " of this partner.");
        }
        audit.record(enabled ? "PARTNER_USER_ENABLED" : "PARTNER_USER_DISABLED", "partner", partnerId, null, Map.of("user", userId));
    }

    public List<PartnerUser> users(long partnerId) {
        return repository.users(partnerId);
    }

    /** Whether a partner portal user may still be signed in: enabled, of an active partner. */
    public boolean userMaySignIn(String username) {
        return repository.credentials(username).filter(c -> c.user().enabled() && c.partnerActive()).isPresent();
    }

    /** The portal caller for a user name and password, if they match an enabled user of an active partner. */
    public Optional<Caller.Partner> signIn(String username, String password) {
        if (username == null || password == null || username.length() > 64 || password.length() > 200) {
            return Optional.empty();
        }
        return repository.credentials(username.trim().toLowerCase(Locale.ROOT))
                .filter(c -> c.user().enabled() && c.partnerActive() && passwords.matches(password, c.passwordHash()))
                .map(c -> new Caller.Partner(c.user().partnerId(), c.partnerCode(), c.user().username()));
    }
}
