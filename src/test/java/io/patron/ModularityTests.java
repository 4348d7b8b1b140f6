package io.patron;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Fails on a cycle between modules or on a module reaching into another module's internals, and on a
 * scheduled job that would run on every instance at once.
 */
class ModularityTests {

    @Test
    void modulesHaveNoCyclesAndUseOnlyEachOthersApi() {
        ApplicationModules.of(PatronApplication.class).verify();
    }

    @Test
    void everyScheduledJobRunsOncePerOccurrenceAcrossInstances() {
        methods().that().areAnnotatedWith(Scheduled.class)
                // The mail sender is the exception: each instance claims different mails (FOR UPDATE SKIP LOCKED).
                .and().areNotDeclaredIn("io.patron.messaging.internal.SmtpSender")
                // So is the SMS sender, for the same reason.
                .and().areNotDeclaredIn("io.patron.sms.internal.SmsSender")
                // So is the event dispatcher: each instance takes different events (FOR UPDATE SKIP LOCKED).
                .and().areNotDeclaredIn("io.patron.events.internal.EventDispatcher")
                // And the webhook sender: a subscription is delivered by the instance holding its lease.
                .and().areNotDeclaredIn("io.patron.webhooks.internal.WebhookSender")
                .should().beAnnotatedWith(SchedulerLock.class)
                .because("several instances share one database and a job must run once per occurrence")
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.patron"));
    }
}
