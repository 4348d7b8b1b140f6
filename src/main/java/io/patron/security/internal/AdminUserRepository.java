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
                .query((rs, n) -> new Credentials(user(rs, n), rs.getString("password_hash"))).optional();
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

    public AdminToken insertToken(long userId, String name, String hash, String hint, OffsetDateTime at) {
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("""
                INSERT INTO admin_tokens (user_id, name, token_hash, token_hint, created_at)
                VALUES (:user, :name, :hash, :hint, :at)""")
                .param("user", userId).param("name", name).param("hash", hash).param("hint", hint).param("at", at)
                .update(keys, "id");
        long id = keys.getKey().longValue();
        return tokens(userId).stream().filter(t -> t.id() == id).findFirst().orElseThrow();
    }

    public List<AdminToken> tokens(long userId) {
        return jdbc.sql("SELECT * FROM admin_tokens WHERE user_id = :u ORDER BY id DESC LIMIT 500").param("u", userId)
                .query((rs, n) -> new AdminToken(rs.getLong("id"), rs.getLong("user_id"), rs.getString("name"),
                        rs.getString("token_hint"), rs.getObject("created_at", OffsetDateTime.class),
                        rs.getObject("revoked_at", OffsetDateTime.class)))
                .list();
    }

    public void revokeToken(long tokenId, OffsetDateTime at) {
        jdbc.sql("UPDATE admin_tokens SET revoked_at = :at WHERE id = :id AND revoked_at IS NULL")
                .param("at", at).param("id", tokenId).update();
    }

    public Optional<AdminUser> activeUserByTokenHash(String hash) {
        return jdbc.sql("""
                SELECT u.* FROM admin_tokens t JOIN admin_users u ON u.id = t.user_id
                WHERE t.token_hash = :hash AND t.revoked_at IS NULL""")
                .param("hash", hash).query(AdminUserRepository::user).optional();
    }

    public record Credentials(AdminUser user, String passwordHash) {
    }

    private static String join(Set<AdminRole> roles) {
        return roles.stream().map(Enum::name).sorted().collect(Collectors.joining(","));
    }

    private static AdminUser user(ResultSet rs, int row) throws SQLException {
        Set<AdminRole> roles = EnumSet.noneOf(AdminRole.class);
        Arrays.stream(rs.getString("roles").split(",")).filter(s -> !s.isBlank()).map(AdminRole::valueOf).forEach(roles::add);
        return new AdminUser(rs.getLong("id"), rs.getString("username"), rs.getString("display_name"), roles,
                Language.parse(rs.getString("language")).orElse(Language.en), rs.getBoolean("enabled"),
                rs.getObject("created_at", OffsetDateTime.class));
    }
}
