package io.patron.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.PortalSession;
import io.patron.TestData;
import io.patron.WebSession;
import io.patron.members.MemberId;
import io.patron.messaging.MailLinks;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What one user types is what another user's page shows. A marketer names a tier, a customer writes
 * a survey answer, a partner gets a display name; an administrator then opens a page that renders that
 * text, with their CSRF token in the page and htmx listening for {@code hx-*} attributes. If any of
 * that text became markup, a {@code <form hx-post=/admin/users hx-trigger=load>} hidden in a 50-character
 * tier name would be submitted with the administrator's token.
 *
 * <p>This test plants markup in every free-text field it can reach, through the same APIs and forms
 * their users have, then renders every page the application maps (taken from its handler mappings, so a
 * new page is checked without a change here) with the planted records' ids, as an administrator, a
 * member and a partner. A page fails when its raw HTML holds an unescaped planted tag, when a browser's
 * parse of it (jsoup) finds an element carrying the planted {@code data-pwn} attribute, or when an
 * element has an htmx attribute but not the page's trust mark, which every element a template gives
 * htmx attributes carries (see {@code LayoutAdvice.hxTrust} and {@code page.js}). Each planted tag's
 * {@code data-pwn} value names its field, so a failure says which field leaked where.
 *
 * <p>The planting and the rendering happen once, before the checks, because the hostile programme
 * (markup in tier and rule names) must be active while the pages render and must not outlive them:
 * other tests share the database and price their sales with the demo programme.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileTextTest extends IntegrationTest {

    private static final String PASSWORD = "hostile-text-password-1";
    private static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    /** A planted tag as the HTML parser would meet it: not escaped as {@code &lt;} or {@code \u003c}. */
    private static final Pattern RAW_TAG = Pattern.compile("(?i)<[a-z][a-z0-9]*[\\s/]+data-pwn");
    /** Paths that answer files or data, not pages. */
    private static final Pattern NOT_A_PAGE = Pattern.compile("^/(api|v3|swagger).*|^/error$|.*(\\.(csv|svg|json|txt)|/csv|/export)$");
    /** Tier names are at most 50 characters: each tries another way out of where a page might put it. */
    private static final List<String> TIER_SHAPES = List.of(
            "</script><i data-pwn=%s hx-get=/pwn>",
            "</textarea><i data-pwn=%s hx-get=/pwn>",
            "\"><i data-pwn=%s hx-get=/pwn>",
            "'><i data-pwn=%s data-hx-post=/admin/users>",
            "</title><i data-pwn=%s hx-get=/pwn>");
    /**
     * Pages this test cannot fill in, and why. A partner's settlement statement is drafted only after
     * its period ends, which would mean moving the clock every test shares.
     */
    private static final Map<String, String> UNFILLED = Map.of(
            "/admin/partners/statements/{id}", "needs a partner period to end (the shared clock moved)",
            "/partner/statements/{id}", "needs a partner period to end (the shared clock moved)");
    /** Fields whose planted text must be found rendered (as text) on some page, or the check would prove little. */
    private static final List<String> MUST_BE_SHOWN = List.of("programme.name", "tier0", "tier1", "tier2", "tier3", "tier4",
            "rule0", "rule.bonus", "store.name", "till.name", "segment.name", "campaign.name", "draw.name", "draw.prize1",
            "member.first", "member.last", "member.block", "line.category", "adjust.reason", "reward.name", "reward.description",
            "feedback.store", "feedback.portal", "template.subject", "newsletter.name", "partner.name", "partner.user",
            "partner.key", "admin.name", "token.name", "offer.name", "import.first", "import.category", "import.column",
            "programme.comment", "fraud.note", "fraud.hold", "sms.template", "sms.outbox", "webhook.description", "webhook.payload",
            "webhook.answer");

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mapping;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Clock clock;

    @Autowired
    MailLinks mailLinks;

    @Autowired
    io.patron.sms.SmsChannel smsChannel;

    @Autowired
    org.springframework.transaction.support.TransactionTemplate transactions;

    /** Every field label planted, in planting order. */
    private final Set<String> planted = new LinkedHashSet<>();
    /** The labels found on a page as inert text, with the first page that showed each. */
    private final Map<String, String> shown = new TreeMap<>();
    private final List<String> markup = new ArrayList<>();
    private final List<String> untrusted = new ArrayList<>();
    /** The mapped pages checked (answered 200 with HTML), and the extra probes checked. */
    private final Set<String> pages = new TreeSet<>();
    private final Set<String> probes = new TreeSet<>();
    private final List<String> unrendered = new ArrayList<>();
    private final List<String> unfilled = new ArrayList<>();
    private final List<String> notPages = new ArrayList<>();
    private final List<String> redirects = new ArrayList<>();
    private final List<String> tierNames = new ArrayList<>();
    private String analytics = "";

    // What was planted, to fill in the pages' paths.
    private int originalVersion;
    private int hostileVersion;
    private long storeId;
    private String storeCode;
    private long segmentId;
    private String segmentCode;
    private String campaignCode;
    private long campaignId;
    private long freeCampaignId;
    private String publicCode;
    private long drawId;
    private String drawCode;
    private long memberId;
    private String memberEmail;
    private long blockedId;
    private long importedId;
    private long purchaseId;
    private long rewardId;
    private long partnerId;
    private String partnerUser;
    private long offerId;
    private long fraudCaseId;
    private long webhookId;
    private long webhookDeliveryId;
    private long backtestId;
    private String templateName;
    private String feedbackToken;
    private final List<String> importJobs = new ArrayList<>();
    private String historyJob;
    private List<Long> mails = List.of();

    private Browser admin;
    private Browser partner;
    private Browser anonymous;
    private PortalSession portal;

    @BeforeAll
    void plantHostileTextAndRenderEveryPage() throws Exception {
        Api root = Api.basic(port, "admin", ADMIN_PASSWORD);
        Api.Response active = root.get("/api/v1/program");
        String originalDocument = active.body();
        originalVersion = Integer.parseInt(active.raw().headers().firstValue("Program-Version").orElseThrow());
        try {
            plant(originalDocument);
            renderEveryPage();
        } finally {
            // Other tests share the database and expect the programme that was active before this one.
            Api.Response back = root.post("/api/v1/program/versions/" + originalVersion + "/activate", "");
            if (back.status() != 200) {
                root.put("/api/v1/program", originalDocument);
            }
            // A reward priced at one point stays out of other members' catalogues.
            if (rewardId != 0) {
                root.post("/api/v1/rewards/" + rewardId + "/retire", "");
            }
        }
    }

    @Test
    void noPageLetsStoredTextBecomeMarkup() {
        assertThat(markup).as("typed text that became markup, by page and by the field (data-pwn) it came from").isEmpty();
    }

    @Test
    void everyHtmxAttributeIsOnAnElementItsTemplateWrote() {
        assertThat(untrusted).as("elements with htmx attributes but without the page's data-hx-trust mark").isEmpty();
    }

    @Test
    void theCheckRendersEveryPageAndShowsThePlantedTextAsText() {
        System.out.println("HostileTextTest: " + pages.size() + " mapped pages and " + probes.size() + " probes checked; "
                + planted.size() + " fields planted, " + shown.size() + " found rendered as text");
        System.out.println("  pages: " + pages);
        System.out.println("  probes: " + probes);
        System.out.println("  redirects: " + redirects);
        System.out.println("  not pages: " + notPages);
        System.out.println("  left out: " + UNFILLED);
        System.out.println("  planted but shown on no page: " + planted.stream().filter(l -> !shown.containsKey(l)).toList());
        assertThat(unfilled).as("mapped pages whose path this test cannot fill in: plant something for them").isEmpty();
        assertThat(unrendered).as("pages that did not render for the planted records").isEmpty();
        assertThat(pages).hasSizeGreaterThanOrEqualTo(40)
                .contains("/admin", "/admin/analytics", "/admin/program", "/admin/members/" + memberId, "/portal", "/portal/points",
                        "/draws/" + drawCode, "/feedback/store/" + storeCode, "/terms");
        // The chart data is JSON inside <script type="application/json">: the tier names are in it, escaped, and all of
        // them inside the one element (a name that closed the script early would leave the later ones outside it).
        Element chart = Jsoup.parse(analytics).getElementById("analytics-data");
        assertThat(chart).as("the analytics page's chart data").isNotNull();
        for (int i = 0; i < tierNames.size(); i++) {
            assertThat(analytics).contains("\\u003ci data-pwn=tier" + i + " ");
            assertThat(chart.data()).contains("data-pwn=tier" + i + " ");
        }
        assertThat(MUST_BE_SHOWN.stream().filter(l -> !shown.containsKey(l)).toList())
                .as("planted fields not found as text on any page").isEmpty();
    }

    @Test
    void theProgrammeActiveBeforeIsActiveAgainAfterwards() {
        Api.Response active = Api.basic(port, "admin", ADMIN_PASSWORD).get("/api/v1/program");
        assertThat(active.raw().headers().firstValue("Program-Version")).hasValue(String.valueOf(originalVersion));
        assertThat(active.body()).doesNotContain("data-pwn");
    }

    // ---------------------------------------------------------------------------------------------
    // Planting.

    private void plant(String originalDocument) throws Exception {
        String n = String.valueOf(System.nanoTime() % 1_000_000_000L);
        OffsetDateTime now = OffsetDateTime.now(clock);

        // An administrator whose display name is markup: every record they make carries it as its author.
        String adminName = "hx-" + n;
        WebSession bootstrap = WebSession.admin(port);
        bootstrap.get("/admin/users");
        HttpResponse<String> user = bootstrap.post("/admin/users", Map.of("username", adminName, "password", PASSWORD,
                "displayName", medium("admin.name"), "roles", "ADMIN", "language", "en"));
        assertThat(WebSession.location(user)).endsWith("/admin/users");
        admin = new Browser();
        admin.signIn("/login", adminName, PASSWORD, "/admin");
        Api api = Api.basic(port, adminName, PASSWORD);
        anonymous = new Browser();

        // A store and its till.
        storeCode = "HX" + n;
        Api.Response store = api.post("/api/v1/stores", Api.json(map("code", storeCode, "name", hostile("store.name"),
                "timeZone", "Europe/Moscow")));
        assertThat(store.status()).as(store.body()).isEqualTo(201);
        storeId = store.json().path("id").asLong();
        Api.Response till = api.post("/api/v1/stores/" + storeId + "/tills", Api.json(map("name", medium("till.name"))));
        assertThat(till.status()).as(till.body()).isEqualTo(201);
        Api tillApi = Api.bearer(port, till.json().path("key").asString());

        // The programme: its name, every tier and rule name, perks, an excluded category, a rule condition's string and the
        // version's comment. The rules added give the member below points, a draw ticket and a coupon.
        drawCode = "HX-D" + n;
        campaignCode = "HX-C" + n;
        ObjectNode document = (ObjectNode) Api.JSON.readTree(originalDocument);
        document.put("name", hostile("programme.name"));
        ((ArrayNode) document.path("earning").path("excludedCategories")).add(tiny("programme.excluded"));
        JsonNode levels = document.path("tiers").path("levels");
        assertThat(levels.size()).as("the programme has a tier ladder").isPositive();
        for (int i = 0; i < levels.size(); i++) {
            String label = label("tier" + i);
            String name = TIER_SHAPES.get(i % TIER_SHAPES.size()).formatted(label);
            assertThat(name).hasSizeLessThanOrEqualTo(50);
            tierNames.add(name);
            ((ObjectNode) levels.get(i)).put("name", name);
            ((ObjectNode) levels.get(i)).put("perks", hostile("tier" + i + ".perks"));
        }
        ArrayNode rules = (ArrayNode) document.path("rules");
        for (int i = 0; i < rules.size(); i++) {
            ObjectNode rule = (ObjectNode) rules.get(i);
            rule.put("name", hostile("rule" + i));
            rule.set("names", Api.JSON.valueToTree(map("en", hostile("rule" + i + ".en"), "ru", hostile("rule" + i + ".ru"))));
        }
        rules.add(Api.JSON.valueToTree(map("id", "hx-bonus-" + n, "name", hostile("rule.bonus"),
                "names", map("en", hostile("rule.bonus.en")),
                "condition", "member.present == true && '" + tiny("rule.condition") + "' != ''",
                "effect", map("type", "BONUS_POINTS", "value", 1), "stacking", "STACK", "priority", 0, "enabled", true)));
        rules.add(Api.JSON.valueToTree(map("id", "hx-tickets-" + n, "name", hostile("rule.tickets"), "condition", "member.present == true",
                "effect", map("type", "DRAW_TICKETS", "value", 1, "draw", drawCode), "stacking", "STACK", "priority", 0, "enabled", true)));
        rules.add(Api.JSON.valueToTree(map("id", "hx-coupon-" + n, "name", hostile("rule.coupon"), "condition", "member.present == true",
                "effect", map("type", "ISSUE_COUPON", "value", 1, "campaign", campaignCode), "stacking", "STACK", "priority", 0,
                "enabled", true)));
        Api.Response saved = api.put("/api/v1/program?comment=" + query(hostile("programme.comment")), document.toString());
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
        hostileVersion = saved.json().path("version").asInt();

        // A segment of the store's members, with a store entry that is markup.
        segmentCode = "HX-" + n;
        Api.Response segment = api.put("/api/v1/segments/" + segmentCode, Api.json(map("name", hostile("segment.name"),
                "definition", map("stores", List.of(storeCode, tiny("segment.store"))))));
        assertThat(segment.status()).as(segment.body()).isEqualTo(200);
        segmentId = segment.json().path("id").asLong();

        // Two coupon campaigns: one with a public code used at the till, one with markup in every list and the free SKU.
        publicCode = "HXC" + n;
        Api.Response campaign = api.post("/api/v1/coupon-campaigns", Api.json(map("code", campaignCode, "name", hostile("campaign.name"),
                "effectType", "PERCENT_DISCOUNT", "effectValue", 5, "partner", hostile("campaign.partner"), "publicCode", publicCode)));
        assertThat(campaign.status()).as(campaign.body()).isEqualTo(201);
        campaignId = campaign.json().path("campaign").path("id").asLong();
        Api.Response free = api.post("/api/v1/coupon-campaigns", Api.json(map("code", "HX-F" + n, "name", hostile("campaign2.name"),
                "effectType", "FREE_PRODUCT", "effectValue", 0, "freeSku", medium("campaign2.sku"),
                "categories", List.of(tiny("campaign2.cat")), "skus", List.of(tiny("campaign2.skus")),
                "stores", List.of(tiny("campaign2.store")), "partner", medium("campaign2.partner"))));
        assertThat(free.status()).as(free.body()).isEqualTo(201);
        freeCampaignId = free.json().path("campaign").path("id").asLong();

        // A draw for the first tier, with markup in its name and prizes.
        Api.Response draw = api.post("/api/v1/draws", Api.json(map("code", drawCode, "name", hostile("draw.name"),
                "entryFrom", now.minusDays(1).toString(), "entryTo", now.plusDays(30).toString(), "autoDraw", false,
                "prizes", List.of(map("name", hostile("draw.prize1"), "quantity", 1),
                        map("name", hostile("draw.prize2"), "quantity", 1, "couponCampaign", campaignCode)),
                "eligibility", map("tiers", List.of(tierNames.getFirst())))));
        assertThat(draw.status()).as(draw.body()).isEqualTo(201);
        drawId = draw.json().path("id").asLong();

        // Members: one enrolled at the store's till with markup for names, one whose e-mail address is markup, blocked with a
        // reason that is markup.
        memberEmail = TestData.email();
        Api.Response member = tillApi.postRetrying("/api/v1/members", Api.json(map("email", memberEmail,
                "firstName", medium("member.first"), "lastName", medium("member.last"), "language", "en",
                "consents", map("emailMarketing", true))));
        assertThat(member.status()).as(member.body()).isEqualTo(201);
        memberId = member.json().path("id").asLong();
        String card = member.json().path("cardNumber").asString();
        String hostileEmail = "<b/data-pwn=" + label("member.email") + "/hx-get=/pwn>" + n + "@example.org";
        Api.Response other = Api.bearer(port, DEMO_TILL_KEY).postRetrying("/api/v1/members", Api.json(map("email", hostileEmail,
                "firstName", medium("member2.first"), "lastName", medium("member2.last"))));
        assertThat(other.status()).as(other.body()).isEqualTo(201);
        blockedId = other.json().path("id").asLong();
        Api.Response blocked = api.post("/api/v1/members/" + blockedId + "/block", Api.json(map("reason", hostile("member.block"))));
        assertThat(blocked.status()).as(blocked.body()).isEqualTo(200);

        // A sale at the store with markup in every line field and the public coupon; the rules add points, a ticket, a coupon.
        Api.Response sale = tillApi.postRetrying("/api/v1/purchases", Api.json(map("receiptId", "HX-" + n,
                "member", map("cardNumber", card),
                "lines", List.of(map("lineId", "1", "sku", compact("line.sku"), "name", hostile("line.name"),
                        "category", compact("line.category"), "brand", compact("line.brand"), "quantity", 1, "unitPrice", 100)),
                "couponCodes", List.of(publicCode))));
        assertThat(sale.status()).as(sale.body()).isEqualTo(201);
        purchaseId = sale.json().path("purchaseId").asLong();

        // Points by hand with a reason, a personal coupon, and a reward taken with them.
        Api.Response adjusted = api.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/members/" + memberId
                        + "/adjustments")).header("Content-Type", "application/json").header("Idempotency-Key", "hx-" + n)
                .POST(HttpRequest.BodyPublishers.ofString(Api.json(map("points", 500, "reason", hostile("adjust.reason"))))));
        assertThat(adjusted.status()).as(adjusted.body()).isEqualTo(201);
        Api.Response issued = api.post("/api/v1/coupon-campaigns/" + campaignId + "/issue", Api.json(map("memberId", memberId)));
        assertThat(issued.status()).as(issued.body()).isEqualTo(201);
        Api.Response reward = api.post("/api/v1/rewards", Api.json(map("code", "HX-R" + n, "name", hostile("reward.name"),
                "description", hostile("reward.description"), "kind", "GIFT", "pointsPrice", 1, "minTier", tierNames.getFirst(),
                "imageUrl", "/img\"><b/data-pwn=" + label("reward.image") + ">")));
        assertThat(reward.status()).as(reward.body()).isEqualTo(201);
        rewardId = reward.json().path("id").asLong();
        Api.Response redeemed = api.post("/api/v1/members/" + memberId + "/rewards/" + rewardId + "/redeem", "");
        assertThat(redeemed.status()).as(redeemed.body()).isEqualTo(201);

        // Survey answers: at the store's page (anonymous), in the portal, and an invitation whose link is a page of its own.
        anonymous.get("/feedback/store/" + storeCode + "?kind=SUGGESTION");
        HttpResponse<String> answered = anonymous.post("/feedback/store/" + storeCode + "?kind=SUGGESTION",
                Map.of("comment", hostile("feedback.store")));
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        probe("POST /feedback/store/{code}", answered);
        portal = PortalSession.signIn(port, jdbc, memberEmail);
        HttpResponse<String> answeredInPortal = portal.post("/portal/feedback?kind=SUGGESTION", "comment=" + query(hostile("feedback.portal")));
        assertThat(answeredInPortal.statusCode()).as(answeredInPortal.body()).isEqualTo(200);
        probe("POST /portal/feedback", answeredInPortal);
        Api.Response invited = api.post("/api/v1/members/" + memberId + "/feedback-invitations", Api.json(map("kind", "NPS")));
        assertThat(invited.status()).as(invited.body()).isEqualTo(201);
        String invitation = jdbc.sql("""
                        SELECT CASE WHEN secret IS NULL THEN body_text ELSE REPLACE(body_text, :mark, secret) END
                        FROM mail_outbox WHERE recipient = :r AND body_text LIKE '%/feedback/t/%' ORDER BY id DESC LIMIT 1""")
                .param("mark", io.patron.messaging.Mail.SECRET_MARK).param("r", memberEmail).query(String.class).single();
        Matcher token = Pattern.compile("/feedback/t/([A-Za-z0-9_-]+)").matcher(invitation);
        assertThat(token.find()).as(invitation).isTrue();
        feedbackToken = token.group(1);

        // A fraud case (six members enrolled with one e-mail pattern) with a note, and a member's redemptions held by hand.
        for (int i = 0; i < 6; i++) {
            assertThat(tillApi.postRetrying("/api/v1/members", Api.json(map("email", "hxring" + (i + 1) + "@hx" + n + ".test"))).status())
                    .isEqualTo(201);
        }
        settle();
        fraudCaseId = jdbc.sql("SELECT id FROM fraud_cases WHERE pattern = :p").param("p", "email:hxring#@hx" + n + ".test")
                .query(Long.class).single();
        admin.get("/admin/fraud/" + fraudCaseId);
        HttpResponse<String> note = admin.post("/admin/fraud/" + fraudCaseId + "/notes", map("note", hostile("fraud.note")));
        assertThat(note.statusCode()).as(note.body()).isEqualTo(302);
        Api.Response held = api.post("/api/v1/members/" + blockedId + "/redemption-hold", Api.json(map("reason", hostile("fraud.hold"))));
        assertThat(held.status()).as(held.body()).isEqualTo(200);

        // A text message's text (one kind and language few tests send) and a message with hostile text in the SMS outbox.
        admin.get("/admin/sms/templates/journey-win-back/hy");
        HttpResponse<String> smsText = admin.post("/admin/sms/templates/journey-win-back/hy", map("body", hostile("sms.template") + " {{name}}"));
        assertThat(smsText.statusCode()).as(smsText.body()).isEqualTo(302);
        probe("POST /admin/sms/templates refused", admin.post("/admin/sms/templates/journey-win-back/hy",
                map("body", hostile("sms.refused") + " {{nosuchplaceholder}}")));
        transactions.executeWithoutResult(s -> smsChannel.queue(io.patron.sms.Sms.transactional("test", null, "+79160000000",
                hostile("sms.outbox"))));

        // A webhook subscription (paused, so nothing is sent) described in markup, with a delivery whose body and answer carry it.
        Api.Response hook = api.post("/api/v1/webhooks", Api.json(map("url", "https://crm.example.com/hooks", "description",
                hostile("webhook.description"), "events", List.of("purchase.recorded"), "enabled", false)));
        assertThat(hook.status()).as(hook.body()).isEqualTo(201);
        webhookId = hook.json().path("subscription").path("id").asLong();
        jdbc.sql("""
                INSERT INTO webhook_deliveries (subscription_id, message_id, event_type, payload, occurred_at, status, attempts, next_attempt_at)
                VALUES (:s, 'evt_hx', 'purchase.recorded', :p, :now, 'FAILED', 1, :now)""")
                .param("s", webhookId).param("p", "{\"type\":\"purchase.recorded\",\"data\":{\"receiptId\":\"" + hostile("webhook.payload") + "\"}}")
                .param("now", now).update();
        webhookDeliveryId = jdbc.sql("SELECT id FROM webhook_deliveries WHERE subscription_id = :s").param("s", webhookId)
                .query(Long.class).single();
        jdbc.sql("""
                INSERT INTO webhook_attempts (delivery_id, attempted_at, status_code, latency_millis, response)
                VALUES (:d, :now, 500, 12, :r)""").param("d", webhookDeliveryId).param("now", now).param("r", hostile("webhook.answer")).update();

        // A mail template of its own (subject, text and HTML), and a newsletter with it, cancelled so it never goes out.
        templateName = "hx" + n;
        admin.get("/admin/journeys/templates?name=" + templateName + "&language=en");
        HttpResponse<String> template = admin.post("/admin/journeys/templates", map("name", templateName, "language", "en",
                "subject", hostile("template.subject"), "text", hostile("template.text") + " {{name}}", "html", hostile("template.html")));
        assertThat(template.statusCode()).as(template.body()).isEqualTo(302);
        admin.get("/admin/newsletters");
        String sendAt = now.atZoneSameInstant(MOSCOW).toLocalDateTime().plusDays(30).truncatedTo(ChronoUnit.MINUTES).toString();
        HttpResponse<String> newsletter = admin.post("/admin/newsletters", map("name", hostile("newsletter.name"), "template", templateName,
                "segment", segmentCode, "holdoutPercent", "0", "sendAt", sendAt, "zone", "Europe/Moscow"));
        assertThat(newsletter.statusCode()).as(newsletter.body()).isEqualTo(302);
        long newsletterId = jdbc.sql("SELECT id FROM newsletters WHERE template = :t").param("t", templateName).query(Long.class).single();
        admin.get("/admin/newsletters");
        assertThat(admin.post("/admin/newsletters/" + newsletterId + "/cancel", Map.of()).statusCode()).isEqualTo(302);

        // A partner: its names and contact, a key, a portal user, and a receipt of the member.
        Api.Response created = api.post("/api/v1/partners", Api.json(map("code", "HX" + n, "name", hostile("partner.name"),
                "contactName", hostile("partner.contact"), "contactEmail", "<b/data-pwn=" + label("partner.email") + ">" + n + "@example.org",
                "contactPhone", tiny("partner.phone"), "earnRate", 1, "burnAccepted", true, "issuePrice", 1, "redeemPrice", 1,
                "cobrandShare", 0, "currency", "RUB")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        partnerId = created.json().path("id").asLong();
        Api.Response key = api.post("/api/v1/partners/" + partnerId + "/keys", Api.json(map("name", medium("partner.key"))));
        assertThat(key.status()).as(key.body()).isEqualTo(201);
        partnerUser = "hx-" + n;
        Api.Response person = api.post("/api/v1/partners/" + partnerId + "/users", Api.json(map("username", partnerUser,
                "password", PASSWORD, "displayName", medium("partner.user"))));
        assertThat(person.status()).as(person.body()).isEqualTo(201);
        Api.Response receipt = Api.bearer(port, key.json().path("secret").asString()).post("/api/v1/partner/receipts",
                Api.json(map("receiptId", "HX-P" + n, "member", map("cardNumber", card), "amount", 100)));
        assertThat(receipt.status()).as(receipt.body()).isEqualTo(201);
        partner = new Browser();
        partner.signIn("/partner/login", partnerUser, PASSWORD, "/partner");

        // An API token of the administrator; the page that shows its secret is the answer to the form.
        admin.get("/admin/tokens");
        HttpResponse<String> tokenPage = admin.post("/admin/tokens", Map.of("name", medium("token.name"), "days", "30"));
        assertThat(tokenPage.statusCode()).as(tokenPage.body()).isEqualTo(200);
        probe("POST /admin/tokens", tokenPage);

        // The draw: the rule gave the member a ticket; closed and drawn, the prizes have a winner.
        Api.Response closed = api.post("/api/v1/draws/" + drawId + "/close", "");
        assertThat(closed.json().path("tickets").asLong()).as(closed.body()).isPositive();
        Api.Response drawn = api.post("/api/v1/draws/" + drawId + "/draw", "");
        assertThat(drawn.status()).as(drawn.body()).isEqualTo(200);

        // Personal offers for the segment: the member's favourite category is the sale's, which is markup.
        assertThat(api.post("/api/v1/offers/profiles", "").status()).isEqualTo(200);
        Api.Response offer = api.post("/api/v1/offers", Api.json(map("kind", "FAVOURITE_CATEGORY", "name", hostile("offer.name"),
                "percent", 10, "validDays", 30, "minShare", 0, "minVisits", 1, "holdoutPercent", 0, "segment", segmentCode)));
        assertThat(offer.status()).as(offer.body()).isEqualTo(201);
        offerId = offer.json().path("batch").path("id").asLong();

        // A back-test of the hostile programme over the store's day: its figures carry the programme's, tiers' and rules' names.
        LocalDate today = now.atZoneSameInstant(MOSCOW).toLocalDate();
        Api.Response backtest = api.post("/api/v1/backtests", Api.json(map("candidateVersion", hostileVersion,
                "baselineVersion", originalVersion, "from", today.minusDays(1).toString(), "to", today.toString(), "storeCode", storeCode)));
        assertThat(backtest.status()).as(backtest.body()).isEqualTo(202);
        backtestId = backtest.json().path("id").asLong();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> Set.of("DONE", "FAILED", "CANCELLED").contains(api.get("/api/v1/backtests/" + backtestId).json().path("status").asString()));
        assertThat(api.get("/api/v1/backtests/" + backtestId).json().path("status").asString()).isEqualTo("DONE");

        // Uploads: a member file whose header is markup, one whose rows are, and a history file whose name is.
        admin.get("/admin/members/import");
        importJobs.add(job(admin.upload("/admin/members/import", Map.of(), "<i data-pwn=" + label("import.file") + " hx-get=pwn>x.csv",
                "email," + tiny("import.column") + "\nx" + n + "@example.org,y\n")));
        String importedEmail = TestData.email();
        admin.get("/admin/members/import");
        importJobs.add(job(admin.upload("/admin/members/import", Map.of(), "members.csv", "email,firstName,lastName,categories\n"
                + importedEmail + "," + compact("import.first") + "," + compact("import.last") + ",\n"
                + TestData.email() + ",Ann,Lee," + tiny("import.category") + "\n")));
        admin.get("/admin/history/import");
        historyJob = job(admin.upload("/admin/history/import", Map.of("store", String.valueOf(storeId), "mode", "HISTORY"),
                "<i data-pwn=" + label("history.file") + " hx-get=pwn>x.csv", "nonsense\n"));
        for (String job : List.of(importJobs.get(0), importJobs.get(1), historyJob)) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> finished(admin.get(job).body()));
        }
        importedId = api.get("/api/v1/members?email=" + query(importedEmail)).json().path("items").get(0).path("id").asLong();

        // Every mail the two members were sent (welcome, sign-in link, survey): the outbox shows each.
        mails = jdbc.sql("SELECT id FROM mail_outbox WHERE recipient IN (:r) ORDER BY id")
                .param("r", List.of(memberEmail, hostileEmail.toLowerCase(Locale.ROOT))).query(Long.class).list();
        assertThat(mails).isNotEmpty();
    }

    /** The path of an upload's job page, from the redirect the upload answers. */
    private static String job(HttpResponse<String> uploaded) {
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(302);
        return WebSession.location(uploaded).replaceAll("^https?://[^/]+", "");
    }

    /** A job page stops polling (its progress element loses hx-get) once the job is done. */
    private static boolean finished(String page) {
        Element progress = Jsoup.parse(page).getElementById("progress");
        return progress != null && !progress.hasAttr("hx-get");
    }

    // ---------------------------------------------------------------------------------------------
    // Rendering and checking.

    private void renderEveryPage() throws Exception {
        Map<String, List<String>> paths = paths();
        List<String> patterns = MappedEndpoints.of(mapping).all().stream().filter(e -> e.method().equals("GET"))
                .map(MappedEndpoints.Endpoint::pattern).distinct().toList();
        for (String pattern : patterns) {
            if (NOT_A_PAGE.matcher(pattern).matches() || UNFILLED.containsKey(pattern)) {
                continue;
            }
            List<String> concrete = paths.getOrDefault(pattern, pattern.contains("{") ? List.of() : List.of(pattern));
            if (concrete.isEmpty()) {
                unfilled.add(pattern);
            }
            for (String path : concrete) {
                HttpResponse<String> r = fetch(path);
                String type = r.headers().firstValue("Content-Type").orElse("");
                if (r.statusCode() / 100 == 3) {
                    redirects.add(path + " → " + WebSession.location(r));
                } else if (r.statusCode() == 200 && !type.startsWith("text/html")) {
                    notPages.add(path + " (" + type + ")");
                } else {
                    check(path, r);
                    if (r.statusCode() == 200) {
                        pages.add(path);
                    } else {
                        unrendered.add(path + ": " + r.statusCode());
                    }
                }
                if (path.equals("/admin/analytics")) {
                    analytics = r.body();
                }
            }
        }
        probeTypedText();
    }

    /** The planted records' ids and codes in every mapped pattern that needs them (and the parameters some pages require). */
    private Map<String, List<String>> paths() {
        Map<String, List<String>> paths = new HashMap<>();
        List<Long> members = List.of(memberId, blockedId, importedId);
        for (String tail : List.of("", "/edit", "/points", "/points/summary")) {
            paths.put("/admin/members/{id}" + tail, members.stream().map(id -> "/admin/members/" + id + tail).toList());
        }
        paths.put("/admin/journeys/members/{id}", members.stream().map(id -> "/admin/journeys/members/" + id).toList());
        paths.put("/admin/members/import/{id}", importJobs);
        paths.put("/admin/history/import/{id}", List.of(historyJob));
        paths.put("/admin/backtests/{id}", List.of("/admin/backtests/" + backtestId));
        paths.put("/admin/coupons/{id}", List.of("/admin/coupons/" + campaignId, "/admin/coupons/" + freeCampaignId));
        paths.put("/admin/coupons/{id}/progress", List.of("/admin/coupons/" + campaignId + "/progress"));
        paths.put("/admin/coupons/lookup", List.of("/admin/coupons/lookup?code=" + publicCode));
        paths.put("/admin/draws/{id}", List.of("/admin/draws/" + drawId));
        paths.put("/admin/journeys/templates", List.of("/admin/journeys/templates?name=" + templateName + "&language=en"));
        paths.put("/admin/sms/templates/{kind}/{language}", List.of("/admin/sms/templates/journey-win-back/hy"));
        paths.put("/admin/fraud/{id}", List.of("/admin/fraud/" + fraudCaseId));
        paths.put("/admin/webhooks/{id}", List.of("/admin/webhooks/" + webhookId, "/admin/webhooks/" + webhookId + "?delivery=" + webhookDeliveryId));
        paths.put("/sms/reports/{token}", List.of("/sms/reports/" + SMS_REPORT_TOKEN + "?id=none&status=DELIVRD"));
        paths.put("/admin/newsletters/count", List.of("/admin/newsletters/count?segment=" + segmentCode));
        paths.put("/admin/offers/{id}", List.of("/admin/offers/" + offerId));
        paths.put("/admin/outbox/{id}", mails.stream().map(id -> "/admin/outbox/" + id).toList());
        paths.put("/admin/partners/{id}", List.of("/admin/partners/" + partnerId));
        paths.put("/admin/program/diff", List.of("/admin/program/diff?from=" + originalVersion + "&to=" + hostileVersion));
        paths.put("/admin/purchases/{id}", List.of("/admin/purchases/" + purchaseId));
        paths.put("/admin/segments/{id}", List.of("/admin/segments/" + segmentId));
        paths.put("/admin/stores/{id}", List.of("/admin/stores/" + storeId));
        paths.put("/draws/{code}", List.of("/draws/" + drawCode));
        paths.put("/feedback/store/{code}", List.of("/feedback/store/" + storeCode, "/feedback/store/" + storeCode + "?kind=SUGGESTION"));
        paths.put("/feedback/t/{token}", List.of("/feedback/t/" + feedbackToken));
        String link = mailLinks.token(new MemberId(memberId));
        paths.put("/mail/unsubscribe/{token}", List.of("/mail/unsubscribe/" + link));
        paths.put("/mail/preferences/{token}", List.of("/mail/preferences/" + link));
        return paths;
    }

    /** Portal pages as the member, partner pages as the partner's person, everything else as the administrator. */
    private HttpResponse<String> fetch(String path) throws Exception {
        if (path.startsWith("/portal")) {
            return portal.get(path);
        }
        return path.startsWith("/partner") ? partner.get(path) : admin.get(path);
    }

    /** Typed text that comes straight back: search boxes, links with parameters, and forms refused with what was typed. */
    private void probeTypedText() throws Exception {
        probe("/admin/members?q=", admin.get("/admin/members?q=" + query(medium("search.members"))));
        probe("/admin/purchases?receiptId=", admin.get("/admin/purchases?receiptId=" + query(tiny("search.receipt"))));
        probe("/admin/outbox?recipient=", admin.get("/admin/outbox?recipient=" + query(medium("search.recipient"))));
        probe("/admin/audit?actor=&entityType=", admin.get("/admin/audit?actor=" + query(medium("search.actor"))
                + "&entityType=" + query(medium("search.entity"))));
        probe("/admin/coupons/{id}?code=", admin.get("/admin/coupons/" + campaignId + "?code=" + query(tiny("search.code"))));
        probe("/admin/analytics?segment=", admin.get("/admin/analytics?segment=" + segmentCode));
        probe("/portal/auth?token=", anonymous.get("/portal/auth?token=" + query(medium("portal.token"))));
        probe("/portal/signup?ref=", anonymous.get("/portal/signup?ref=" + query("<i data-pwn=" + label("ref") + ">")));
        probe("/feedback/store/{markup}", admin.get("/feedback/store/" + segment("<i data-pwn=" + label("path.store") + " hx-get=x>")));
        probe("/draws/{markup}", admin.get("/draws/" + segment("<i data-pwn=" + label("path.draw") + " hx-get=x>")));

        // A refused programme document comes back into the editor's textarea, with the condition parser's message quoting it.
        admin.get("/admin/program");
        String refused = Api.json(map("name", "</textarea><i data-pwn=" + label("refused.document") + " hx-get=/pwn>",
                "rules", List.of(map("id", "x", "name", "y", "condition", tiny("refused.condition"), "stacking", "STACK",
                        "effect", map("type", "BONUS_POINTS", "value", 1)))));
        HttpResponse<String> back = admin.post("/admin/program/document", map("document", refused, "comment", medium("refused.comment")));
        assertThat(back.statusCode()).isEqualTo(302);
        probe("/admin/program after a refused document", admin.get("/admin/program"));

        // A refused mail template and a refused enrolment answer with the form as typed.
        admin.get("/admin/journeys/templates?name=" + templateName + "&language=en");
        probe("POST /admin/journeys/templates refused", admin.post("/admin/journeys/templates", map("name", templateName, "language", "en",
                "subject", hostile("refused.subject"), "text", hostile("refused.text") + " {{nosuchplaceholder}}", "html", "")));
        admin.get("/admin/members/new");
        probe("POST /admin/members refused", admin.post("/admin/members", map("firstName", medium("refused.first"),
                "lastName", medium("refused.last"), "email", "not an address", "language", "en")));
    }

    private void probe(String name, HttpResponse<String> response) {
        if (response.headers().firstValue("Content-Type").orElse("").startsWith("text/html")) {
            check(name, response);
            probes.add(name + " (" + response.statusCode() + ")");
        } else {
            notPages.add(name + " (" + response.statusCode() + ")");
        }
    }

    /** The three failures, and which planted fields the page shows as text. */
    private void check(String page, HttpResponse<String> response) {
        String body = response.body();
        Matcher raw = RAW_TAG.matcher(body);
        while (raw.find()) {
            markup.add(page + ": unescaped '" + body.substring(Math.max(0, raw.start() - 40), Math.min(body.length(), raw.end() + 40))
                    .replaceAll("\\s+", " ") + "'");
        }
        Document doc = Jsoup.parse(body);
        Element meta = doc.selectFirst("meta[name=patron-hx]");
        String mark = meta == null ? null : meta.attr("content");
        StringBuilder inert = new StringBuilder(doc.text());
        for (Element e : doc.getAllElements()) {
            for (Attribute a : e.attributes()) {
                String key = a.getKey().toLowerCase(Locale.ROOT);
                inert.append(' ').append(a.getValue());
                if (key.equals("data-pwn")) {
                    markup.add(page + ": an element from typed text, <" + e.tagName() + " data-pwn=" + a.getValue() + ">");
                } else if ((key.startsWith("hx-") || key.startsWith("data-hx-")) && !key.equals("data-hx-trust") && !trusted(e, mark)) {
                    untrusted.add(page + ": <" + e.tagName() + " " + key + "=\"" + a.getValue() + "\"> without the page's trust mark");
                }
            }
            if (e.tagName().equals("script")) {
                inert.append(' ').append(e.data());
            }
        }
        String text = inert.toString().toLowerCase(Locale.ROOT);
        for (String label : planted) {
            if (!shown.containsKey(label) && text.contains("data-pwn=" + label.toLowerCase(Locale.ROOT))) {
                shown.put(label, page);
            }
        }
    }

    /** What page.js asks of an element before htmx may send its request: the page's mark (any mark, in a fragment). */
    private static boolean trusted(Element e, String mark) {
        String trust = e.attr("data-hx-trust");
        return !trust.isEmpty() && (mark == null || trust.equals(mark));
    }

    // ---------------------------------------------------------------------------------------------
    // Hostile text. Each tag's data-pwn names its field; the label is recorded so the test can tell it was rendered.

    private String label(String field) {
        planted.add(field);
        return field;
    }

    /** For fields of 200 characters and more: out of an attribute, a title, a textarea and a script, then htmx posts on load. */
    private String hostile(String field) {
        String label = label(field);
        return "\"'></title></textarea></script><i data-pwn=" + label + " hx-post=/admin/users hx-trigger=load data-hx-vals=x>" + label;
    }

    /** For fields of 100 characters. */
    private String medium(String field) {
        return "\"'></textarea></script><i data-pwn=" + label(field) + " hx-get=/pwn>";
    }

    /** For fields of 64 characters. */
    private String compact(String field) {
        return "</script><i data-pwn=" + label(field) + " hx-get=/pwn>";
    }

    /** For the narrowest fields (a partner's phone, 40 characters). */
    private String tiny(String field) {
        return "<i data-pwn=" + label(field) + " hx-get=/pwn>";
    }

    private static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A map in the order given (Map.of keeps neither order nor more than ten pairs). */
    private static Map<String, Object> map(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    /**
     * A browser without JavaScript, as {@code WebSession} but also with file uploads: keeps its cookies, follows no
     * redirect and sends the CSRF token of the last page it loaded.
     */
    private final class Browser {

        private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        private String csrf = "";

        void signIn(String page, String username, String password, String home) {
            get(page);
            HttpResponse<String> r = post(page, Map.of("username", username, "password", password));
            assertThat(WebSession.location(r)).as(username + " signs in at " + page).endsWith(home);
        }

        HttpResponse<String> get(String path) {
            HttpResponse<String> r = send(request(path).GET());
            Matcher m = CSRF.matcher(r.body());
            if (m.find()) {
                csrf = m.group(1);
            }
            return r;
        }

        HttpResponse<String> post(String path, Map<String, ?> form) {
            Map<String, Object> fields = new LinkedHashMap<>(form);
            fields.put("_csrf", csrf);
            String body = fields.entrySet().stream().map(e -> query(e.getKey()) + "=" + query(String.valueOf(e.getValue())))
                    .collect(Collectors.joining("&"));
            return send(request(path).header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)));
        }

        /** A form with one file, {@code file}; the CSRF token goes in its header, as a multipart body is read after the check. */
        HttpResponse<String> upload(String path, Map<String, String> fields, String fileName, String content) {
            String boundary = "patron-" + System.nanoTime();
            StringBuilder body = new StringBuilder();
            fields.forEach((k, v) -> body.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"").append(k)
                    .append("\"\r\n\r\n").append(v).append("\r\n"));
            body.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"file\"; filename=\"").append(fileName)
                    .append("\"\r\nContent-Type: text/csv\r\n\r\n").append(content).append("\r\n--").append(boundary).append("--\r\n");
            return send(request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary).header("X-CSRF-TOKEN", csrf)
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)));
        }

        private HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(60));
        }

        private HttpResponse<String> send(HttpRequest.Builder request) {
            try {
                return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
