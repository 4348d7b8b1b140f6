package io.patron.members.internal;

import io.patron.common.Language;
import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.members.Card;
import io.patron.members.CardNumber;
import io.patron.members.EmailConsent;
import io.patron.members.SmsConsent;
import io.patron.members.EnrolmentChannel;
import io.patron.members.Member;
import io.patron.members.MemberCategory;
import io.patron.members.MemberId;
import io.patron.members.MemberStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Members and their cards in plain SQL. */
@Repository
public class MemberRepository {

    private final JdbcClient jdbc;

    MemberRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public long nextCardSequence() {
        return jdbc.sql("SELECT nextval('card_seq')").query(Long.class).single();
    }

    /** The next member id and card sequence number in one round trip (enrolment's hot path). */
    public long[] nextMemberIdAndCardSequence() {
        return jdbc.sql("SELECT nextval('member_seq'), nextval('card_seq')")
                .query((rs, i) -> new long[] {rs.getLong(1), rs.getLong(2)}).single();
    }

    /**
     * Which of the given unique values are taken, in one round trip: each null value is skipped.
     * Answers the names of the taken ones: email, phone, externalId, card, generatedCard, referralCode.
     */
    public Set<String> taken(String email, String phone, String externalId, String card, String generatedCard,
                             String referralCode) {
        return Set.copyOf(jdbc.sql("""
                SELECT 'email' FROM members WHERE email = :email
                UNION ALL SELECT 'phone' FROM members WHERE phone = :phone
                UNION ALL SELECT 'externalId' FROM members WHERE external_id = :externalId
                UNION ALL SELECT 'card' FROM cards WHERE card_number = :card
                UNION ALL SELECT 'generatedCard' FROM cards WHERE card_number = :generated
                UNION ALL SELECT 'referralCode' FROM members WHERE referral_code = :referral""")
                .param("email", email).param("phone", phone).param("externalId", externalId).param("card", card)
                .param("generated", generatedCard).param("referral", referralCode)
                .query(String.class).list());
    }

    /** {@code count} values of a sequence in one round trip (bulk import). */
    public List<Long> nextValues(String sequence, int count) {
        if (!sequence.equals("member_seq") && !sequence.equals("card_seq")) {
            throw new IllegalArgumentException(sequence);
        }
        return jdbc.sql("SELECT nextval('" + sequence + "') FROM generate_series(1, :n)").param("n", count)
                .query(Long.class).list();
    }

    public void insert(NewMember m) {
        jdbc.sql(INSERT_MEMBER).paramSource(m.params()).update();
    }

    public static final String INSERT_MEMBER = """
            INSERT INTO members (id, status, external_id, phone, email, first_name, last_name, search_name,
                search_name_rev, birth_date, language, categories, email_consent, email_consent_at,
                email_consent_source, referral_code, referred_by, enrolled_store_id, enrolment_channel,
                created_at, updated_at, version)
            VALUES (:id, 'ACTIVE', :externalId, :phone, :email, :firstName, :lastName, :searchName,
                :searchNameRev, :birthDate, :language, :categories, :consent, :consentAt,
                :consentSource, :referralCode, :referredBy, :storeId, :channel, :at, :at, 0)""";

    public static final String INSERT_CARD = """
            INSERT INTO cards (card_number, member_id, status, issued_at) VALUES (:number, :memberId, 'ACTIVE', :at)""";

    public void insertCard(String number, MemberId member, OffsetDateTime at) {
        jdbc.sql(INSERT_CARD).param("number", number).param("memberId", member.value()).param("at", at).update();
    }

    public Optional<Member> find(MemberId id) {
        return jdbc.sql("SELECT * FROM members WHERE id = :id").param("id", id.value()).query(MemberRepository::member).optional();
    }

    public Optional<Member> findForUpdate(MemberId id) {
        return jdbc.sql("SELECT * FROM members WHERE id = :id FOR UPDATE").param("id", id.value())
                .query(MemberRepository::member).optional();
    }

    /** A member found by any of its cards, with all its cards, in one round trip (the till's lookup). */
    public Optional<Map.Entry<Member, List<Card>>> findWithCardsByCard(String cardNumber) {
        List<Map.Entry<Member, Card>> rows = jdbc.sql("""
                SELECT m.*, o.id AS card_id, o.card_number AS card_number, o.status AS card_status,
                       o.issued_at AS card_issued_at, o.blocked_at AS card_blocked_at, o.block_reason AS card_block_reason
                FROM cards c JOIN members m ON m.id = c.member_id JOIN cards o ON o.member_id = m.id
                WHERE c.card_number = :n ORDER BY o.id LIMIT 100""")
                .param("n", cardNumber)
                .query((rs, i) -> Map.entry(member(rs, i), new Card(rs.getLong("card_id"),
                        new CardNumber(rs.getString("card_number")), new MemberId(rs.getLong("id")),
                        Card.CardStatus.valueOf(rs.getString("card_status")),
                        rs.getObject("card_issued_at", OffsetDateTime.class),
                        rs.getObject("card_blocked_at", OffsetDateTime.class), rs.getString("card_block_reason"))))
                .list();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Map.entry(rows.getFirst().getKey(), rows.stream().map(Map.Entry::getValue).toList()));
    }

    /** A card with its member in one round trip (the till's hot path). */
    public Optional<Map.Entry<Card, Member>> cardWithMember(String cardNumber) {
        return jdbc.sql("""
                SELECT m.*, c.id AS card_id, c.card_number AS card_number, c.status AS card_status,
                       c.issued_at AS card_issued_at, c.blocked_at AS card_blocked_at, c.block_reason AS card_block_reason
                FROM cards c JOIN members m ON m.id = c.member_id WHERE c.card_number = :n""")
                .param("n", cardNumber)
                .query((rs, i) -> Map.entry(new Card(rs.getLong("card_id"), new CardNumber(rs.getString("card_number")),
                        new MemberId(rs.getLong("id")), Card.CardStatus.valueOf(rs.getString("card_status")),
                        rs.getObject("card_issued_at", OffsetDateTime.class), rs.getObject("card_blocked_at", OffsetDateTime.class),
                        rs.getString("card_block_reason")), member(rs, i)))
                .optional();
    }

    public Optional<MemberId> idBy(String column, String value) {
        if (!Set.of("phone", "email", "external_id", "referral_code").contains(column)) {
            throw new IllegalArgumentException(column);
        }
        return jdbc.sql("SELECT id FROM members WHERE " + column + " = :v").param("v", value)
                .query((rs, i) -> new MemberId(rs.getLong(1))).optional();
    }

    /** Which of the given values already exist in a unique column (bulk import pre-check). */
    public Set<String> existing(String table, String column, Collection<String> values) {
        if (values.isEmpty()) {
            return Set.of();
        }
        if (!Set.of("members.phone", "members.email", "members.external_id", "members.referral_code",
                "cards.card_number").contains(table + "." + column)) {
            throw new IllegalArgumentException(table + "." + column);
        }
        return Set.copyOf(jdbc.sql("SELECT " + column + " FROM " + table + " WHERE " + column + " IN (:values)")
                .param("values", values).query(String.class).list());
    }

    public Map<String, Long> idsByReferralCodes(Collection<String> codes) {
        if (codes.isEmpty()) {
            return Map.of();
        }
        Map<String, Long> ids = new HashMap<>();
        jdbc.sql("SELECT referral_code, id FROM members WHERE referral_code IN (:codes)").param("codes", codes)
                .query((rs, i) -> ids.put(rs.getString(1), rs.getLong(2))).list();
        return ids;
    }

    public List<Card> cards(MemberId member) {
        return jdbc.sql("SELECT * FROM cards WHERE member_id = :m ORDER BY id LIMIT 100").param("m", member.value())
                .query(MemberRepository::card).list();
    }

    public Optional<Card> card(String number) {
        return jdbc.sql("SELECT * FROM cards WHERE card_number = :n").param("n", number).query(MemberRepository::card).optional();
    }

    public Map<Long, String> primaryCards(Collection<Long> memberIds) {
        if (memberIds.isEmpty()) {
            return Map.of();
        }
        Map<Long, String> cards = new HashMap<>();
        jdbc.sql("""
                SELECT member_id, card_number FROM cards WHERE member_id IN (:ids) AND status = 'ACTIVE'
                ORDER BY id""")
                .param("ids", memberIds).query((rs, i) -> cards.putIfAbsent(rs.getLong(1), rs.getString(2))).list();
        return cards;
    }

    public void blockCard(long cardId, String reason, OffsetDateTime at) {
        jdbc.sql("UPDATE cards SET status = 'BLOCKED', blocked_at = :at, block_reason = :r WHERE id = :id AND status = 'ACTIVE'")
                .param("at", at).param("r", reason).param("id", cardId).update();
    }

    public void moveCards(MemberId from, MemberId to) {
        jdbc.sql("UPDATE cards SET member_id = :to WHERE member_id = :from").param("to", to.value())
                .param("from", from.value()).update();
    }

    public void moveReferrals(MemberId from, MemberId to) {
        jdbc.sql("UPDATE members SET referred_by = :to WHERE referred_by = :from").param("to", to.value())
                .param("from", from.value()).update();
    }

    public long countReferrals(MemberId member) {
        return jdbc.sql("SELECT COUNT(*) FROM members WHERE referred_by = :m").param("m", member.value())
                .query(Long.class).single();
    }

    /** A new member's consent to marketing text messages (enrolment writes the other fields). */
    public void setSmsConsent(MemberId id, io.patron.members.SmsConsent consent) {
        jdbc.sql("UPDATE members SET sms_consent = :g, sms_consent_at = :at, sms_consent_source = :s WHERE id = :id")
                .param("g", consent.granted()).param("at", consent.changedAt())
                .param("s", consent.source() == null ? null : consent.source().name()).param("id", id.value()).update();
    }

    /** Writes all changeable fields; false when the version moved on (a concurrent update). */
    public boolean update(Member m, OffsetDateTime at) {
        MemberRules.Normalised names = new MemberRules.Normalised(null, null, null, null, m.firstName(), m.lastName(),
                null, null, Set.of(), false, null);
        int rows = jdbc.sql("""
                UPDATE members SET status = :status, external_id = :externalId, phone = :phone, email = :email,
                    first_name = :firstName, last_name = :lastName, search_name = :searchName,
                    search_name_rev = :searchNameRev, birth_date = :birthDate, language = :language,
                    categories = :categories, email_consent = :consent, email_consent_at = :consentAt,
                    email_consent_source = :consentSource, sms_consent = :sms, sms_consent_at = :smsAt,
                    sms_consent_source = :smsSource, merged_into = :mergedInto, updated_at = :at,
                    version = version + 1
                WHERE id = :id AND version = :version""")
                .param("status", m.status().name()).param("externalId", m.externalId()).param("phone", m.phone())
                .param("email", m.email()).param("firstName", m.firstName()).param("lastName", m.lastName())
                .param("searchName", names.searchName()).param("searchNameRev", names.searchNameReversed())
                .param("birthDate", m.birthDate()).param("language", m.language().name())
                .param("categories", categories(m.categories())).param("consent", m.emailConsent().granted())
                .param("consentAt", m.emailConsent().changedAt())
                .param("consentSource", m.emailConsent().source() == null ? null : m.emailConsent().source().name())
                .param("sms", m.smsConsent().granted()).param("smsAt", m.smsConsent().changedAt())
                .param("smsSource", m.smsConsent().source() == null ? null : m.smsConsent().source().name())
                .param("mergedInto", m.mergedInto() == null ? null : m.mergedInto().value())
                .param("at", at).param("id", m.id().value()).param("version", m.version())
                .update();
        return rows == 1;
    }

    /** Refreshes the planner's statistics (the same command on PostgreSQL and H2). */
    public void analyze() {
        jdbc.sql("ANALYZE").update();
    }

    public long count() {
        return jdbc.sql("SELECT COUNT(*) FROM members").query(Long.class).single();
    }

    /** The admin list: newest first, filtered by a search condition built by {@link MemberSearch}. */
    public Page<Member> search(MemberSearch.Condition condition, PageRequest page) {
        long total = jdbc.sql("SELECT COUNT(*) FROM members WHERE " + condition.where())
                .params(condition.params()).query(Long.class).single();
        List<Member> items = jdbc.sql("SELECT * FROM members WHERE " + condition.where()
                        + " ORDER BY id DESC LIMIT :limit OFFSET :offset")
                .params(condition.params()).param("limit", page.size()).param("offset", page.offset())
                .query(MemberRepository::member).list();
        return new Page<>(items, page.page(), page.size(), total);
    }

    static String categories(Set<MemberCategory> categories) {
        return categories.stream().map(Enum::name).sorted().collect(Collectors.joining(","));
    }

    static Member member(ResultSet rs, int row) throws SQLException {
        Set<MemberCategory> categories = EnumSet.noneOf(MemberCategory.class);
        Arrays.stream(rs.getString("categories").split(",")).filter(s -> !s.isBlank())
                .map(MemberCategory::valueOf).forEach(categories::add);
        String source = rs.getString("email_consent_source");
        String smsSource = rs.getString("sms_consent_source");
        long referredBy = rs.getLong("referred_by");
        boolean hasReferrer = !rs.wasNull();
        long store = rs.getLong("enrolled_store_id");
        boolean hasStore = !rs.wasNull();
        long mergedInto = rs.getLong("merged_into");
        boolean merged = !rs.wasNull();
        return new Member(new MemberId(rs.getLong("id")), MemberStatus.valueOf(rs.getString("status")),
                rs.getString("external_id"), rs.getString("phone"), rs.getString("email"),
                rs.getString("first_name"), rs.getString("last_name"), rs.getObject("birth_date", LocalDate.class),
                Language.parse(rs.getString("language")).orElse(Language.en), categories,
                new EmailConsent(rs.getBoolean("email_consent"), rs.getObject("email_consent_at", OffsetDateTime.class),
                        source == null ? null : EnrolmentChannel.valueOf(source)),
                new SmsConsent(rs.getBoolean("sms_consent"), rs.getObject("sms_consent_at", OffsetDateTime.class),
                        smsSource == null ? null : EnrolmentChannel.valueOf(smsSource)),
                rs.getString("referral_code"), hasReferrer ? new MemberId(referredBy) : null,
                hasStore ? store : null, EnrolmentChannel.valueOf(rs.getString("enrolment_channel")),
                merged ? new MemberId(mergedInto) : null, rs.getObject("created_at", OffsetDateTime.class),
                rs.getObject("updated_at", OffsetDateTime.class), rs.getLong("version"));
    }

    static Card card(ResultSet rs, int row) throws SQLException {
        return new Card(rs.getLong("id"), new CardNumber(rs.getString("card_number")), new MemberId(rs.getLong("member_id")),
                Card.CardStatus.valueOf(rs.getString("status")), rs.getObject("issued_at", OffsetDateTime.class),
                rs.getObject("blocked_at", OffsetDateTime.class), rs.getString("block_reason"));
    }

    /** A member row about to be inserted. */
    public record NewMember(long id, MemberRules.Normalised fields, String referralCode, Long referredBy,
                            Long storeId, EnrolmentChannel channel, OffsetDateTime at) {

        public org.springframework.jdbc.core.namedparam.MapSqlParameterSource params() {
            var p = new org.springframework.jdbc.core.namedparam.MapSqlParameterSource();
            p.addValue("id", id).addValue("externalId", fields.externalId()).addValue("phone", fields.phone())
                    .addValue("email", fields.email()).addValue("firstName", fields.firstName())
                    .addValue("lastName", fields.lastName()).addValue("searchName", fields.searchName())
                    .addValue("searchNameRev", fields.searchNameReversed())
                    .addValue("birthDate", fields.birthDate())
                    .addValue("language", fields.language().name()).addValue("categories", categories(fields.categories()))
                    .addValue("consent", fields.emailMarketing())
                    .addValue("consentAt", fields.emailMarketing() ? at : null)
                    .addValue("consentSource", fields.emailMarketing() ? channel.name() : null)
                    .addValue("referralCode", referralCode).addValue("referredBy", referredBy)
                    .addValue("storeId", storeId).addValue("channel", channel.name()).addValue("at", at);
            return p;
        }
    }
}
