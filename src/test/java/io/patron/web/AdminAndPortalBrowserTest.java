package io.patron.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.members.CardNumber;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * In a real browser: the first day of a new installation — an admin signs in, enrols a member, finds
 * them by phone; the member asks for a sign-in link, opens it from the Outbox and sees their card —
 * and an admin uploading purchase history, then comparing programme versions in a back-test.
 */
@Tag("browser")
class AdminAndPortalBrowserTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @org.springframework.beans.factory.annotation.Autowired
    io.patron.stores.Stores stores;

    @TempDir
    Path profile;

    private static final java.util.List<String> PATRON_HEADER = java.util.List.of("type", "receiptId", "occurredAt", "customerId",
            "lineId", "sku", "name", "category", "brand", "quantity", "unitPrice", "originalReceiptId");

    ChromeDriver driver;
    WebDriverWait wait;

    @BeforeEach
    void open() {
        driver = Browser.start(profile);
        wait = new WebDriverWait(driver, java.time.Duration.ofSeconds(10));
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.quit();
        }
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    @Test
    void anAdminEnrolsAMemberWhoThenOpensTheirCardInThePortal() {
        long n = System.nanoTime() % 10_000_000L;
        String phoneDigits = String.format("916%07d", n);
        String email = "browser" + n + "@example.org";

        new AdminLogin(driver).open(url("/login")).signIn("admin", ADMIN_PASSWORD);
        wait.until(ExpectedConditions.urlContains("/admin"));

        driver.get(url("/admin/members/new"));
        driver.findElement(By.id("firstName")).sendKeys("Tatiana");
        driver.findElement(By.id("lastName")).sendKeys("Browserova");
        driver.findElement(By.id("phone")).sendKeys("8 " + phoneDigits);
        driver.findElement(By.id("email")).sendKeys(email);
        driver.findElement(By.id("save-member")).click();
        wait.until(ExpectedConditions.textToBe(By.id("member-name"), "Tatiana Browserova"));
        assertThat(driver.findElement(By.id("member-phone")).getText()).isEqualTo("+7" + phoneDigits);

        driver.get(url("/admin/members"));
        WebElement search = driver.findElement(By.id("member-search"));
        search.sendKeys("+7 (" + phoneDigits.substring(0, 3) + ") " + phoneDigits.substring(3));
        search.sendKeys(Keys.ENTER);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("results"), "Tatiana Browserova"));
        assertThat(driver.findElements(By.cssSelector("#results tbody tr"))).hasSize(1);

        portalSignIn(email);
        WebElement barcode = driver.findElement(By.id("barcode"));
        wait.until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
                "return arguments[0].complete && arguments[0].naturalWidth > 0", barcode));
        String card = driver.findElement(By.id("card-number")).getText();
        assertThat(CardNumber.isValid(card)).as(card).isTrue();
        assertThat(driver.getPageSource()).contains("Tatiana");

        driver.findElement(By.id("card-points")).click();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("points-available"))).getText()).isEqualTo("0");
        assertThat(driver.findElement(By.id("tier")).getText()).contains("Base");
        assertThat(driver.findElement(By.id("tier-progress")).getAttribute("value")).isEqualTo("0");
        driver.get(url("/portal/coupons"));
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("no-coupons"))).getText()).isNotBlank();
    }

    @Test
    void theSmsEditorSaysWhatATextCostsWhileItIsTyped() {
        new AdminLogin(driver).open(url("/login")).signIn("admin", ADMIN_PASSWORD);
        wait.until(ExpectedConditions.urlContains("/admin"));
        driver.get(url("/admin/sms/templates/journey-survey/en"));
        WebElement body = driver.findElement(By.id("sms-body"));
        WebElement count = driver.findElement(By.id("sms-count"));
        body.clear();
        body.sendKeys("Hello {{name}}, thank you!");
        wait.until(ExpectedConditions.textToBePresentInElement(count, "GSM 7-bit"));
        assertThat(count.getText()).startsWith("22 characters").endsWith("parts: 1");
        // One Cyrillic word turns the whole text into UCS-2: 70 characters a message, so this costs two.
        body.sendKeys(" Спасибо! " + "a".repeat(50));
        wait.until(ExpectedConditions.textToBePresentInElement(count, "UCS-2"));
        assertThat(count.getText()).startsWith("82 characters").endsWith("parts: 2");
        assertThat(count.getAttribute("class")).contains("problem");
    }

    @Test
    void aMarketerCreatesACampaignGeneratesCodesAndAMemberSeesTheirCouponInThePortal() {
        String code = "BR" + System.nanoTime() % 100_000_000L;
        String email = "coupon" + System.nanoTime() % 10_000_000L + "@example.org";
        long memberId = Api.bearer(port, DEMO_TILL_KEY).post("/api/v1/members", Api.json(java.util.Map.of("email", email,
                "firstName", "Nina"))).json().path("id").asLong();

        new AdminLogin(driver).open(url("/login")).signIn("admin", ADMIN_PASSWORD);
        wait.until(ExpectedConditions.urlContains("/admin"));
        driver.get(url("/admin/coupons"));
        driver.findElement(By.id("campaign-code")).sendKeys(code);
        driver.findElement(By.id("campaign-name")).sendKeys("Browser campaign");
        driver.findElement(By.id("effectValue")).sendKeys("75");
        driver.findElement(By.id("create-campaign")).click();
        wait.until(ExpectedConditions.textToBe(By.id("count-issued"), "0"));
        WebElement count = driver.findElement(By.id("generate-count"));
        count.clear();
        count.sendKeys("500");
        driver.findElement(By.id("generate")).click();
        wait.until(ExpectedConditions.textToBe(By.id("count-issued"), "500"));
        // When the generation ends the page reloads with the new codes in its table.
        wait.until(ExpectedConditions.numberOfElementsToBeMoreThan(By.cssSelector("#codes tr"), 10));
        driver.findElement(By.name("memberId")).sendKeys(String.valueOf(memberId));
        driver.findElement(By.name("memberId")).submit();
        wait.until(ExpectedConditions.textToBe(By.id("count-issued"), "501"));

        portalSignIn(email);
        driver.get(url("/portal/coupons"));
        String shown = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".coupon-code"))).getText();
        assertThat(shown).startsWith(code + "-");
        WebElement qr = driver.findElement(By.cssSelector(".coupon img"));
        wait.until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
                "return arguments[0].complete && arguments[0].naturalWidth > 0", qr));
    }

    @Test
    void anAdminUploadsHistoryThenABackTestComparesTwoVersionsWithCharts() throws Exception {
        String code = "W" + System.nanoTime() % 100_000_000L;
        stores.create(code, "Browser history", "Europe/Moscow");
        java.time.OffsetDateTime day = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).minusDays(20)
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        StringBuilder csv = new StringBuilder(String.join(",", PATRON_HEADER)).append('\n');
        for (int i = 0; i < 12; i++) {
            csv.append(String.join(",", "SALE", code + "-" + i, day.plusHours(i).toString(), code + "-C" + (i % 3), "1", "SKU", "Tea",
                    "home", "", "2", "450.00", "")).append('\n');
        }
        Path file = profile.resolve("history.csv");
        java.nio.file.Files.writeString(file, csv);

        new AdminLogin(driver).open(url("/login")).signIn("admin", ADMIN_PASSWORD);
        wait.until(ExpectedConditions.urlContains("/admin"));
        driver.get(url("/admin/history/import"));
        driver.findElement(By.id("file")).sendKeys(file.toAbsolutePath().toString());
        new Select(driver.findElement(By.id("store"))).selectByValue(String.valueOf(stores.findByCode(code).orElseThrow().id().value()));
        driver.findElement(By.cssSelector("input[name=mode][value=REPLAY]")).click();
        driver.findElement(By.id("start-import")).click();
        wait.until(ExpectedConditions.textToBe(By.id("purchases"), "12"));

        // A segment of the imported customers, counted live while it is edited.
        driver.get(url("/admin/segments"));
        driver.findElement(By.id("segment-code")).sendKeys(code);
        driver.findElement(By.id("segment-name")).sendKeys("Browser buyers");
        WebElement segmentStores = driver.findElement(By.name("stores"));
        segmentStores.sendKeys(code);
        driver.findElement(By.name("purchasesMin")).sendKeys("1");
        driver.findElement(By.id("segment-name")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("segment-count"), "3"));
        driver.findElement(By.id("save-segment")).click();
        // The click submits the form and the page is replaced: an element found on the old page can vanish
        // between finding it and reading it ("does not belong to the document"), so the wait tries again.
        new WebDriverWait(driver, java.time.Duration.ofSeconds(15)).ignoring(org.openqa.selenium.WebDriverException.class)
                .until(ExpectedConditions.textToBePresentInElementLocated(By.id("segments"), code));

        driver.get(url("/admin/backtests"));
        new Select(driver.findElement(By.id("storeCode"))).selectByValue(code);
        driver.findElement(By.id("start-backtest")).click();
        new WebDriverWait(driver, java.time.Duration.ofSeconds(30)).until(
                ExpectedConditions.textToBe(By.id("backtest-status"), "done"));
        driver.navigate().refresh();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("candidate-receipts"))).getText()).isEqualTo("12");
        wait.until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
                "return Chart.getChart(document.getElementById('chart-points')) !== undefined"));
        assertThat(driver.findElements(By.cssSelector("#backtest-rules tr"))).hasSizeGreaterThan(1);

        // The analytics dashboard of that store, its charts drawn.
        analytics.catchUpEverything();
        long storeId = stores.findByCode(code).orElseThrow().id().value();
        driver.get(url("/admin/analytics?storeId=" + storeId + "&from=" + day.toLocalDate().minusDays(1) + "&to="
                + java.time.LocalDate.now(java.time.ZoneOffset.UTC)));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("measures")));
        assertThat(driver.findElement(By.id("active")).getText()).isEqualTo("3");
        wait.until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
                "return Chart.getChart(document.getElementById('chart-sales')) !== undefined"
                        + " && Chart.getChart(document.getElementById('chart-participation')) !== undefined"));
        assertThat(driver.findElements(By.cssSelector("#cohorts tr"))).hasSizeGreaterThan(1);
    }

    @org.springframework.beans.factory.annotation.Autowired
    io.patron.analytics.Analytics analytics;

    /** Signs a member in to the portal by the link the Outbox shows (the admin must be signed in). */
    private void portalSignIn(String email) {
        driver.get(url("/portal/login"));
        driver.findElement(By.id("portal-email")).sendKeys(email);
        driver.findElement(By.id("send-link")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("check-mail")));
        driver.get(url("/admin/outbox?recipient=" + email));
        driver.findElement(By.cssSelector("#outbox a.mail-link")).click();
        String mail = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("mail-text"))).getText();
        Matcher link = Pattern.compile("http\\S+/portal/auth\\?token=\\S+").matcher(mail);
        assertThat(link.find()).as(mail).isTrue();
        driver.get(link.group());
        driver.findElement(By.id("confirm-sign-in")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("barcode")));
    }

    @Test
    void aMemberRedeemsACatalogueItemInThePortalAndSeesItInTheirRewards() {
        String email = "reward" + System.nanoTime() % 10_000_000L + "@example.org";
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        long memberId = Api.bearer(port, DEMO_TILL_KEY).post("/api/v1/members", Api.json(java.util.Map.of("email", email,
                "firstName", "Vera"))).json().path("id").asLong();
        admin.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url("/api/v1/members/" + memberId + "/adjustments")))
                .header("Content-Type", "application/json").header("Idempotency-Key", "browser-" + System.nanoTime())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"points\":400,\"reason\":\"browser test\"}")));
        String code = "BW" + System.nanoTime() % 100_000_000L;
        assertThat(admin.post("/api/v1/rewards", Api.json(java.util.Map.of("code", code, "name", "Tote bag " + code, "kind", "GIFT",
                "pointsPrice", 250, "stock", 3))).status()).isEqualTo(201);

        new AdminLogin(driver).open(url("/login")).signIn("admin", ADMIN_PASSWORD);
        wait.until(ExpectedConditions.urlContains("/admin"));
        driver.get(url("/admin/rewards"));
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("reward-items"))).getText()).contains(code);
        portalSignIn(email);
        driver.get(url("/portal/rewards"));
        driver.findElement(By.cssSelector("#reward-" + code + " button.redeem")).click();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("redeemed"))).getText()).contains("Tote bag");
        assertThat(driver.findElement(By.id("my-rewards")).getText()).contains("Tote bag " + code);
        assertThat(driver.findElements(By.cssSelector("#reward-" + code + " button.redeem"))).as("150 points left").isEmpty();
        assertThat(admin.get("/api/v1/members/" + memberId + "/account").json().path("pointsAvailable").asLong()).isEqualTo(150);
        driver.get(url("/admin/rewards"));
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("redemptions"))).getText()).contains("Tote bag " + code);
        driver.get(url("/portal/draws"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("main h1")));
        assertThat(driver.findElements(By.id("no-tickets"))).as("no purchase, no ticket").hasSize(1);
        driver.get(url("/admin/draws"));
        String monthly = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("draws"))).getText();
        assertThat(monthly).contains("MONTHLY-");
        driver.findElement(By.cssSelector("#draws a")).click();
        String publicPage = driver.findElement(By.cssSelector("main a[href^='/draws/']")).getAttribute("href");
        driver.get(publicPage);
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("commitment"))).getText()).matches("[0-9a-f]{64}");
    }

    @Test
    void aMemberAnswersAnNpsSurveyFromTheEmailLink() {
        String email = "nps" + System.nanoTime() % 10_000_000L + "@example.org";
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        long memberId = Api.bearer(port, DEMO_TILL_KEY).post("/api/v1/members", Api.json(java.util.Map.of("email", email,
                "firstName", "Olga", "language", "ru"))).json().path("id").asLong();
        assertThat(admin.post("/api/v1/members/" + memberId + "/feedback-invitations", Api.json(java.util.Map.of("kind", "NPS")))
                .status()).isEqualTo(201);
        new AdminLogin(driver).open(url("/login")).signIn("admin", ADMIN_PASSWORD);
        wait.until(ExpectedConditions.urlContains("/admin"));
        driver.get(url("/admin/outbox?recipient=" + email));
        driver.findElement(By.cssSelector("#outbox a.mail-link")).click();
        String mail = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("mail-text"))).getText();
        Matcher link = Pattern.compile("http\\S+/feedback/t/\\S+").matcher(mail);
        assertThat(link.find()).as(mail).isTrue();
        driver.get(link.group().replaceFirst("http://[^/]+", url("")));
        driver.findElement(By.id("score-9")).click();
        driver.findElement(By.id("comment")).sendKeys("Очень вежливые кассиры");
        driver.findElement(By.id("send-feedback")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("feedback-thanks")));
        driver.get(link.group().replaceFirst("http://[^/]+", url("")));
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("feedback-invalid"))).getText()).isNotBlank();
        driver.get(url("/admin/feedback"));
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("feedback-responses"))).getText())
                .contains("Очень вежливые кассиры");
    }

    @Test
    void aMemberReadsTheTermsInTheirLanguageAndSharesTheirReferralLinkWithAFriendWhoJoins() {
        String email = "invite" + System.nanoTime() % 10_000_000L + "@example.org";
        var member = Api.bearer(port, DEMO_TILL_KEY).post("/api/v1/members", Api.json(java.util.Map.of("email", email,
                "firstName", "Irina", "language", "ru"))).json();
        String code = Api.basic(port, "admin", ADMIN_PASSWORD).get("/api/v1/members/" + member.path("id").asLong()).json()
                .path("referralCode").asString();

        driver.get(url("/terms?lang=ru"));
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("main h1"))).getText()).isEqualTo("Условия программы");
        assertThat(driver.findElement(By.id("terms-earning")).getText()).contains("Баллы сгорают через");
        driver.findElement(By.cssSelector("#terms a")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("terms-history")));

        new AdminLogin(driver).open(url("/login")).signIn("admin", ADMIN_PASSWORD);
        wait.until(ExpectedConditions.urlContains("/admin"));
        portalSignIn(email);
        driver.get(url("/portal/terms"));
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("terms-tiers"))).getText()).contains("Уровни");
        driver.get(url("/portal/invite"));
        String link = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("referral-link"))).getAttribute("value");
        assertThat(link).endsWith("/portal/signup?ref=" + code);
        String telegram = driver.findElement(By.cssSelector("a[data-network='Telegram']")).getAttribute("href");
        assertThat(telegram).startsWith("https://t.me/share/url?url=")
                .contains(java.net.URLEncoder.encode(link, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(driver.findElements(By.cssSelector(".share-links a"))).hasSizeGreaterThanOrEqualTo(6);
        WebElement qr = driver.findElement(By.cssSelector("#invite img"));
        wait.until(d -> (Boolean) ((JavascriptExecutor) d).executeScript("return arguments[0].complete && arguments[0].naturalWidth > 0", qr));
        assertThat(driver.findElements(By.id("no-referrals"))).hasSize(1);

        // The friend follows the link and joins; the member sees them on the invitation page.
        driver.get(link);
        driver.findElement(By.name("email")).sendKeys("friend-" + email);
        driver.findElement(By.name("firstName")).sendKeys("Nina");
        driver.findElement(By.cssSelector("main form button[type=submit]")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("check-mail")));
        driver.get(url("/portal/invite"));
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("referrals"))).getText()).contains("Nina");
    }

    /** The admin sign-in page. */
    record AdminLogin(WebDriver driver) {
        AdminLogin open(String url) {
            driver.get(url);
            return this;
        }

        void signIn(String username, String password) {
            driver.findElement(By.id("username")).sendKeys(username);
            driver.findElement(By.id("password")).sendKeys(password);
            driver.findElement(By.id("sign-in")).click();
        }
    }
}
