package io.patron.stores.internal;

import io.patron.common.Caller;
import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.stores.Store;
import io.patron.stores.StoreId;
import io.patron.stores.Till;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

@Repository
public class StoreRepository {

    private final JdbcClient jdbc;

    StoreRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Store insert(String code, String name, ZoneId zone, OffsetDateTime at) {
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO stores (code, name, time_zone, created_at) VALUES (:code, :name, :zone, :at)")
                .param("code", code).param("name", name).param("zone", zone.getId()).param("at", at)
                .update(keys, "id");
        return find(new StoreId(keys.getKey().longValue())).orElseThrow();
    }

    public Optional<Store> find(StoreId id) {
        return jdbc.sql("SELECT * FROM stores WHERE id = :id").param("id", id.value()).query(StoreRepository::store).optional();
    }

    public Optional<Store> findByCode(String code) {
        return jdbc.sql("SELECT * FROM stores WHERE code = :code").param("code", code).query(StoreRepository::store).optional();
    }

    public long count() {
        return jdbc.sql("SELECT COUNT(*) FROM stores").query(Long.class).single();
    }

    public Page<Store> page(PageRequest request) {
        List<Store> items = jdbc.sql("SELECT * FROM stores ORDER BY code LIMIT :limit OFFSET :offset")
                .param("limit", request.size()).param("offset", request.offset()).query(StoreRepository::store).list();
        return new Page<>(items, request.page(), request.size(), count());
    }

    public List<Till> tills(StoreId store) {
        return jdbc.sql("SELECT * FROM tills WHERE store_id = :store ORDER BY id LIMIT 1000")
                .param("store", store.value()).query(StoreRepository::till).list();
    }

    public Optional<Till> till(long id) {
        return jdbc.sql("SELECT * FROM tills WHERE id = :id").param("id", id).query(StoreRepository::till).optional();
    }

    public Till insertTill(StoreId store, String name, String keyHash, String keyHint, OffsetDateTime at) {
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("""
                INSERT INTO tills (store_id, name, key_hash, key_hint, created_at)
                VALUES (:store, :name, :hash, :hint, :at)""")
                .param("store", store.value()).param("name", name).param("hash", keyHash)
                .param("hint", keyHint).param("at", at).update(keys, "id");
        return till(keys.getKey().longValue()).orElseThrow();
    }

    public void revoke(long id, OffsetDateTime at) {
        jdbc.sql("UPDATE tills SET revoked_at = :at WHERE id = :id AND revoked_at IS NULL")
                .param("at", at).param("id", id).update();
    }

    public void rotate(long id, String keyHash, String keyHint, OffsetDateTime at) {
        jdbc.sql("UPDATE tills SET key_hash = :hash, key_hint = :hint, rotated_at = :at WHERE id = :id")
                .param("hash", keyHash).param("hint", keyHint).param("at", at).param("id", id).update();
    }

    public Optional<Caller.Till> activeTillByKeyHash(String hash) {
        return jdbc.sql("SELECT id, store_id, name FROM tills WHERE key_hash = :hash AND revoked_at IS NULL")
                .param("hash", hash)
                .query((rs, n) -> new Caller.Till(rs.getLong("id"), rs.getLong("store_id"), rs.getString("name")))
                .optional();
    }

    private static Store store(ResultSet rs, int row) throws SQLException {
        return new Store(new StoreId(rs.getLong("id")), rs.getString("code"), rs.getString("name"),
                ZoneId.of(rs.getString("time_zone")), rs.getObject("created_at", OffsetDateTime.class));
    }

    private static Till till(ResultSet rs, int row) throws SQLException {
        return new Till(rs.getLong("id"), new StoreId(rs.getLong("store_id")), rs.getString("name"),
                rs.getString("key_hint"), rs.getObject("created_at", OffsetDateTime.class),
                rs.getObject("rotated_at", OffsetDateTime.class), rs.getObject("revoked_at", OffsetDateTime.class));
    }
}
