package io.patron.setup;

import io.patron.common.Language;
import io.patron.common.Secrets;
import io.patron.members.EnrolmentChannel;
import io.patron.members.MemberDetails;
import io.patron.members.Members;
import io.patron.security.AdminRole;
import io.patron.security.AdminUsers;
import io.patron.stores.IssuedTillKey;
import io.patron.stores.Store;
import io.patron.stores.Stores;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The first start of a new installation: an {@code admin} user, a demo store (Europe/Moscow) with one
 * till key, a few demo members and the demo reward catalogue (the birthday selection). The two secrets come from {@code PATRON_BOOTSTRAP_ADMIN_PASSWORD}
 * and {@code PATRON_BOOTSTRAP_TILL_KEY} or are generated and printed to the log exactly once; a
 * restart finds them present and neither creates nor prints anything.
 */
@Component
@Order(0)
class Bootstrap implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(Bootstrap.class);
    static final String ADMIN_USERNAME = "admin";
    static final String DEMO_STORE_CODE = "DEMO";

    private final AdminUsers adminUsers;
    private final Stores stores;
    private final Members members;
    private final io.patron.rewards.Rewards rewards;
    private final io.patron.draws.Draws draws;
    private final TransactionTemplate transactions;
    private final String adminPassword;
    private final String tillKey;
    private final boolean demoMembers;

    Bootstrap(AdminUsers adminUsers, Stores stores, Members members, io.patron.rewards.Rewards rewards, io.patron.draws.Draws draws,
              TransactionTemplate transactions,
              @Value("${patron.bootstrap.admin-password:}") String adminPassword,
              @Value("${patron.bootstrap.till-key:}") String tillKey,
              @Value("${patron.bootstrap.demo-members:true}") boolean demoMembers) {
        this.adminUsers = adminUsers;
        this.stores = stores;
        this.members = members;
        this.rewards = rewards;
        this.draws = draws;
        this.transactions = transactions;
        this.adminPassword = adminPassword;
        this.tillKey = tillKey;
        this.demoMembers = demoMembers;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (CommandLine.isCommand(args.getSourceArgs())) {
            return;
        }
        try {
            io.patron.common.StartupRetry.run("bootstrap", () -> transactions.executeWithoutResult(status -> firstStart()));
        } catch (DataIntegrityViolationException e) {
            // Another instance bootstrapped the same database at the same moment; its secrets stand.
            log.info("Bootstrap done by another instance");
        }
    }

    private void firstStart() {
        StringBuilder printed = new StringBuilder();
        if (adminUsers.count() == 0) {
            boolean generated = adminPassword.isBlank();
            String password = generated ? Secrets.random(20) : adminPassword;
            adminUsers.create(ADMIN_USERNAME, password, "Administrator", Set.of(AdminRole.ADMIN), Language.en);
            printed.append("\n  Admin user:      ").append(ADMIN_USERNAME)
                    .append("\n  Admin password:  ").append(generated ? password : "(from PATRON_BOOTSTRAP_ADMIN_PASSWORD)");
        }
        if (stores.count() == 0) {
            Store store = stores.create(DEMO_STORE_CODE, "Demo store", "Europe/Moscow");
            IssuedTillKey till = stores.createTill(store.id(), "Till 1", tillKey.isBlank() ? null : tillKey);
            printed.append("\n  Demo store:      ").append(store.code()).append(" (id ").append(store.id()).append(", Europe/Moscow)")
                    .append("\n  Till API key:    ").append(tillKey.isBlank() ? till.key() : "(from PATRON_BOOTSTRAP_TILL_KEY)");
            if (demoMembers) {
                demoMembers(store);
                demoRewards();
                draws.installDemo(store.timeZone());
            }
        }
        if (!printed.isEmpty()) {
            log.warn("""

                    ================================================================
                     Patron first start. These secrets are shown once; keep them.{}
                    ================================================================""", printed);
        }
    }

    /**
     * The demo catalogue: the birthday selection of PRODUCT.md (a gift to choose, free in the birthday
     * week), a voucher of the demo's next-visit campaign, and a donation.
     */
    private void demoRewards() {
        rewards.create(new io.patron.rewards.Rewards.ItemRequest("BIRTHDAY-CAKE", "Birthday cake", "A cake from our bakery, "
                + "free in your birthday week", io.patron.rewards.RewardItem.Kind.GIFT, null, 0L, null, null, null, null, null, null, null));
        rewards.create(new io.patron.rewards.Rewards.ItemRequest("BIRTHDAY-FLOWERS", "Flowers", "A bunch of flowers, free in your "
                + "birthday week", io.patron.rewards.RewardItem.Kind.GIFT, null, 0L, null, null, null, null, null, null, null));
        rewards.create(new io.patron.rewards.Rewards.ItemRequest("VOUCHER-100", "100 off your next purchase", null,
                io.patron.rewards.RewardItem.Kind.VOUCHER, 120L, null, null, null, null, null, null, null, "NEXT-VISIT-100"));
        rewards.create(new io.patron.rewards.Rewards.ItemRequest("DONATE-100", "Give 100 points to the food bank", null,
                io.patron.rewards.RewardItem.Kind.DONATION, 100L, null, null, null, null, null, null, null, null));
    }

    private void demoMembers(Store store) {
        List<MemberDetails> demo = List.of(
                new MemberDetails("2000000000015", "DEMO-1", "+79001234567", "anna.ivanova@example.org", "Anna",
                        "Ivanova", LocalDate.of(1958, 3, 14), "ru", List.of("PENSIONER"), true, null),
                new MemberDetails(null, "DEMO-2", "+37322123456", "ion.popescu@example.org", "Ion", "Popescu",
                        LocalDate.of(1990, 7, 2), "ro", List.of(), true, null),
                new MemberDetails(null, "DEMO-3", "+37410123456", "ani.sargsyan@example.org", "Ani", "Sargsyan",
                        LocalDate.of(2001, 11, 23), "hy", List.of("STUDENT"), false, null),
                new MemberDetails(null, "DEMO-4", "+447911123456", "john.smith@example.org", "John", "Smith",
                        LocalDate.of(1975, 1, 30), "en", List.of(), false, null));
        demo.forEach(d -> members.enrol(d, EnrolmentChannel.ADMIN, store.id().value()));
    }
}
