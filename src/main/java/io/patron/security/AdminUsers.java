package io.patron.security;

import io.patron.audit.AuditLog;
import io.patron.common.Caller;
import io.patron.common.Language;
import io.patron.common.ProblemException;
import io.patron.common.Secrets;
import io.patron.common.Validation;
import io.patron.security.internal.AdminUserRepository;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Admin users, their BCrypt-hashed passwords and their API tokens. */
@Service
public class AdminUsers {

    public static final String TOKEN_PREFIX = "pt_admin_";
    public static final int PASSWORD_MIN = 10;
    private static final int PASSWORD_MAX = 72; // BCrypt reads no more than 72 bytes.
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{1,63}");
    private static final int TOKENS_PER_USER_MAX = 50;
    public static final int TOKEN_DAYS_MAX = 365;

    private final AdminUserRepository repository;
    private final PasswordEncoder passwords;
    private final AuditLog audit;
    private final Clock clock;

    AdminUsers(AdminUserRepository repository, PasswordEncoder passwords, AuditLog audit, Clock clock) {
        this.repository = repository;
        this.passwords = passwords;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    public AdminUser create(String username, String password, String displayName, Set<AdminRole> roles,
                            Language language) {
        Validation v = new Validation();
        String name = username == null ? "" : username.trim().toLowerCase();
        if (!USERNAME.matcher(name).matches()) {
            v.reject("username", "2 to 64 lower-case letters, digits, '.', '_' or '-'");
        }
        checkPassword(v, password);
        if (roles == null || roles.isEmpty()) {
            v.reject("roles", "at least one role is required");
        }
        if (displayName != null && displayName.length() > 100) {
            v.reject("displayName", "at most 100 characters");
        }
        v.throwIfInvalid();
        if (repository.findByUsername(name).isPresent()) {
            throw ProblemException.conflict("USERNAME_TAKEN", "This username is taken.", "username");
        }
        String shown = displayName == null || displayName.isBlank() ? name : displayName.trim();
        AdminUser user = repository.insert(name, passwords.encode(password), shown, EnumSet.copyOf(roles),
                language == null ? Language.en : language, OffsetDateTime.now(clock));
        audit.record("ADMIN_USER_CREATED", "admin_user", user.id(), null, user);
        return user;
    }

    public List<AdminUser> list() {
        return repository.list();
    }

    public long count() {
        return repository.count();
    }

    public Optional<AdminUser> find(long id) {
        return repository.find(id);
    }

    public Optional<AdminUser> findByUsername(String username) {
        return repository.findByUsername(username);
    }

    @Transactional
    public AdminUser update(long id, String displayName, Set<AdminRole> roles, Language language, boolean enabled) {
        AdminUser before = get(id);
        if (roles == null || roles.isEmpty()) {
            throw ProblemException.invalid("roles", "at least one role is required");
        }
        if (before.roles().contains(AdminRole.ADMIN) && (!roles.contains(AdminRole.ADMIN) || !enabled)
                && repository.countEnabledAdmins() <= 1) {
            throw ProblemException.unprocessable("LAST_ADMIN", "The last enabled ADMIN cannot lose that role.");
        }
        String shown = displayName == null || displayName.isBlank() ? before.displayName() : displayName.trim();
        repository.update(id, shown, EnumSet.copyOf(roles), language, enabled);
        AdminUser after = get(id);
        if (!after.equals(before)) {
            repository.endSessions(id);
        }
        audit.record("ADMIN_USER_UPDATED", "admin_user", id, before, after);
        return after;
    }

    /**
     * A user's new password, given the current one (a session left open on someone else's screen must
     * not be enough to take the account over). Every session of the user ends, this one included.
     */
    @Transactional
    public void changePassword(long id, String currentPassword, String password) {
        AdminUser user = get(id);
        String hash = repository.credentials(user.username()).map(AdminUserRepository.Credentials::passwordHash).orElseThrow();
        if (currentPassword == null || currentPassword.length() > PASSWORD_MAX || !passwords.matches(currentPassword, hash)) {
            throw ProblemException.invalid("currentPassword", "is not your current password");
        }
        Validation v = new Validation();
        checkPassword(v, password);
        v.throwIfInvalid();
        repository.updatePassword(id, passwords.encode(password));
        repository.endSessions(id);
        audit.record("ADMIN_PASSWORD_CHANGED", "admin_user", id, null, null);
    }

    /** A token of the user's with all the user's roles, valid for 90 days. */
    public IssuedAdminToken createToken(long userId, String name) {
        return createToken(userId, name, 90, Set.of());
    }

    /**
     * A token valid for {@code days} (1 to {@value #TOKEN_DAYS_MAX}) with {@code roles}, a subset of the
     * user's (empty: all of them).
     */
    @Transactional
    public IssuedAdminToken createToken(long userId, String name, int days, Set<AdminRole> roles) {
        AdminUser user = get(userId);
        Validation v = new Validation();
        if (name == null || name.isBlank() || name.length() > 100) {
            v.reject("name", "is required, at most 100 characters");
        }
        if (days < 1 || days > TOKEN_DAYS_MAX) {
            v.reject("days", "between 1 and " + TOKEN_DAYS_MAX);
        }
        if (roles != null && !tokenRoles(user).containsAll(roles)) {
            v.reject("roles", "only roles you hold: " + user.roles().stream().map(Enum::name).sorted().collect(Collectors.joining(", ")));
        }
        v.throwIfInvalid();
        Set<AdminRole> given = roles == null || roles.isEmpty() ? user.roles() : roles;
        if (repository.tokens(userId).stream().filter(AdminToken::active).count() >= TOKENS_PER_USER_MAX) {
            throw ProblemException.unprocessable("TOO_MANY_TOKENS", "Revoke an old token first.");
        }
        String secret = TOKEN_PREFIX + Secrets.random(40);
        OffsetDateTime now = OffsetDateTime.now(clock);
        AdminToken token = repository.insertToken(userId, name.trim(), Secrets.sha256(secret), Secrets.hint(secret),
                now, now.plusDays(days), EnumSet.copyOf(given));
        audit.record("ADMIN_TOKEN_CREATED", "admin_token", token.id(), null, token);
        return new IssuedAdminToken(token, secret);
    }

    public List<AdminToken> tokens(long userId) {
        return repository.tokens(userId);
    }

    @Transactional
    public void revokeToken(long userId, long tokenId) {
        AdminToken token = repository.tokens(userId).stream().filter(t -> t.id() == tokenId).findFirst()
                .orElseThrow(() -> ProblemException.notFound("TOKEN_NOT_FOUND", "No such token."));
        repository.revokeToken(tokenId, OffsetDateTime.now(clock));
        audit.record("ADMIN_TOKEN_REVOKED", "admin_token", tokenId, token, null);
    }

    /**
     * The admin a presented API token acts for, if the token is active, not expired and its user
     * enabled, with the token's roles that the user still holds.
     */
    public Optional<Caller.Admin> authenticateToken(String presented) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        return repository.activeToken(Secrets.sha256(presented))
                .filter(t -> t.user().enabled() && !t.token().expiredAt(now))
                .map(t -> {
                    Set<AdminRole> held = tokenRoles(t.user());
                    Set<String> roles = t.token().roles().stream().filter(held::contains).map(Enum::name).collect(Collectors.toSet());
                    return new Caller.Admin(t.user().id(), t.user().username(), roles, t.user().language());
                })
                .filter(a -> !a.roles().isEmpty());
    }

    /** The roles a user's tokens may carry: the user's own; an ADMIN, who may do everything, may give any. */
    public static Set<AdminRole> tokenRoles(AdminUser user) {
        return user.roles().contains(AdminRole.ADMIN) ? EnumSet.allOf(AdminRole.class) : user.roles();
    }

    public static Caller.Admin caller(AdminUser user) {
        return new Caller.Admin(user.id(), user.username(),
                user.roles().stream().map(Enum::name).collect(Collectors.toSet()), user.language());
    }

    private AdminUser get(long id) {
        return find(id).orElseThrow(() -> ProblemException.notFound("ADMIN_USER_NOT_FOUND", "No such user."));
    }

    private static void checkPassword(Validation v, String password) {
        if (password == null || password.length() < PASSWORD_MIN || password.length() > PASSWORD_MAX) {
            v.reject("password", "between " + PASSWORD_MIN + " and " + PASSWORD_MAX + " characters");
        }
    }
}
