package io.patron.security.internal;

import io.patron.common.Language;
import io.patron.security.AdminRole;
import io.patron.security.AdminToken;
import io.patron.security.AdminUser;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

@Repository
public class AdminUserRepository {

    private static final int USERS_MAX = 1000;

    private final JdbcClient jdbc;

    AdminUserRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public AdminUser insert(String username, String passwordHash, String displayName, Set<AdminRole> roles,
                            Language language, OffsetDateTime at) {
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("""
                INSERT INTO admin_users (username, password_hash, display_name, roles, language, enabled, created_at)
                VALUES (:username, :hash, :display, :roles, :language, TRUE, :at)""")
                .param("username", username).param("hash", passwordHash).param("display", displayName)
                .param("roles", join(roles)).param("language", language.name()).param("at", at)
                .update(keys, "id");
        return find(keys.getKey().longValue()).orElseThrow();
    }

    public Optional<AdminUser> find(long id) {
        return jdbc.sql("SELECT * FROM admin_users WHERE id = :id").param("id", id).query(AdminUserRepository::user).optional();
    }

    public Optional<AdminUser> findByUsername(String username) {
        return jdbc.sql("SELECT * FROM admin_users WHERE username = :u").param("u", username)
                .query(AdminUserRepository::user).optional();
    }

    /** The stored password hash and the user, for the login check only. */
    public Optional<Credentials> credentials(String username) {
        return jdbc.sql("SELECT * FROM admin_users WHERE username = :u").param("u", username)
                .query((rs, n) -> new Credentials(user(rs, n), rs.getString("password_hash"), rs.getInt("session_version"))).optional();
    }

    /** The session version of an enabled user (empty when the user is gone or disabled). */
    public Optional<Integer> sessionVersion(long id) {
        return jdbc.sql("SELECT session_version FROM admin_users WHERE id = :id AND enabled = TRUE").param("id", id)
                .query(Integer.class).optional();
    }

    /** Ends every session of the user: they were opened with an older version. */
    public void endSessions(long id) {
        jdbc.sql("UPDATE admin_users SET session_version = session_version + 1 WHERE id = :id").param("id", id).update();
    }

    public List<AdminUser> list() {
        return jdbc.sql("SELECT * FROM admin_users ORDER BY username LIMIT " + USERS_MAX)
                .query(AdminUserRepository::user).list();
    }

    public long count() {
        return jdbc.sql("SELECT COUNT(*) FROM admin_users").query(Long.class).single();
    }

    public long countEnabledAdmins() {
        return list().stream().filter(u -> u.enabled() && u.roles().contains(AdminRole.ADMIN)).count();
    }

    public void update(long id, String displayName, Set<AdminRole> roles, Language language, boolean enabled) {
        jdbc.sql("UPDATE admin_users SET display_name = :d, roles = :r, language = :l, enabled = :e WHERE id = :id")
                .param("d", displayName).param("r", join(roles)).param("l", language.name())
                .param("e", enabled).param("id", id).update();
    }

    public void updatePassword(long id, String hash) {
        jdbc.sql("UPDATE admin_users SET password_hash = :h WHERE id = :id").param("h", hash).param("id", id).update();
    }

    public AdminToken insertToken(long userId, String name, String hash, String hint, OffsetDateTime at,
                                  OffsetDateTime expiresAt, Set<AdminRole> roles) {
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("""
                INSERT INTO admin_tokens (user_id, name, token_hash, token_hint, created_at, expires_at, roles)
                VALUES (:user, :name, :hash, :hint, :at, :expires, :roles)""")
                .param("user", userId).param("name", name).param("hash", hash).param("hint", hint).param("at", at)
                .param("expires", expiresAt).param("roles", join(roles))
                .update(keys, "id");
        long id = keys.getKey().longValue();
        return tokens(userId).stream().filter(t -> t.id() == id).findFirst().orElseThrow();
    }

    public List<AdminToken> tokens(long userId) {
        return jdbc.sql("SELECT * FROM admin_tokens WHERE user_id = :u ORDER BY id DESC LIMIT 500").param("u", userId)
                .query(AdminUserRepository::token).list();
    }

    public void revokeToken(long tokenId, OffsetDateTime at) {
        jdbc.sql("UPDATE admin_tokens SET revoked_at = :at WHERE id = :id AND revoked_at IS NULL")
                .param("at", at).param("id", tokenId).update();
    }

    /** An unrevoked token by its hash, with its user. */
    public Optional<TokenOfUser> activeToken(String hash) {
        return jdbc.sql("""
                SELECT u.*, t.id AS token_id, t.user_id, t.name AS token_name, t.token_hint, t.created_at AS token_created_at,
                       t.revoked_at, t.expires_at, t.roles AS token_roles
                FROM admin_tokens t JOIN admin_users u ON u.id = t.user_id
                WHERE t.token_hash = :hash AND t.revoked_at IS NULL""")
                .param("hash", hash).query((rs, n) -> {
                    AdminUser user = user(rs, n);
                    String roles = rs.getString("token_roles");
                    AdminToken token = new AdminToken(rs.getLong("token_id"), user.id(), rs.getString("token_name"),
                            rs.getString("token_hint"), rs.getObject("token_created_at", OffsetDateTime.class), null,
                            rs.getObject("expires_at", OffsetDateTime.class), roles == null ? user.roles() : parse(roles));
                    return new TokenOfUser(token, user);
                }).optional();
    }

    public record TokenOfUser(AdminToken token, AdminUser user) {
    }

    private static AdminToken token(ResultSet rs, int row) throws SQLException {
        String roles = rs.getString("roles");
        return new AdminToken(rs.getLong("id"), rs.getLong("user_id"), rs.getString("name"), rs.getString("token_hint"),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("revoked_at", OffsetDateTime.class),
                rs.getObject("expires_at", OffsetDateTime.class), roles == null ? Set.of() : parse(roles));
    }

    private static Set<AdminRole> parse(String roles) {
        Set<AdminRole> parsed = EnumSet.noneOf(AdminRole.class);
        Arrays.stream(roles.split(",")).filter(s -> !s.isBlank()).map(AdminRole::valueOf).forEach(parsed::add);
        return parsed;
    }

    public record Credentials(AdminUser user, String passwordHash, int sessionVersion) {
    }

    private static String join(Set<AdminRole> roles) {
        return roles.stream().map(Enum::name).sorted().collect(Collectors.joining(","));
    }

    private static AdminUser user(ResultSet rs, int row) throws SQLException {
        Set<AdminRole> roles = parse(rs.getString("roles"));
        return new AdminUser(rs.getLong("id"), rs.getString("username"), rs.getString("display_name"), roles,
                Language.parse(rs.getString("language")).orElse(Language.en), rs.getBoolean("enabled"),
                rs.getObject("created_at", OffsetDateTime.class));
    }
}
