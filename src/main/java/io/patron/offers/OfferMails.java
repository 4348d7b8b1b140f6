package io.patron.offers;

import io.patron.common.Amounts;
import io.patron.coupons.IssuedCoupon;
import io.patron.members.Member;
import io.patron.members.MemberId;
import io.patron.members.Members;
import io.patron.messaging.MailComposer;
import io.patron.messaging.Mailer;
import io.patron.program.Programs;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.MessageSource;
import org.springframework.stereotype.Component;

/** The mail that brings a personal offer: only to members who agreed to marketing mail, in their language, with one-click unsubscribe. */
@Component
class OfferMails {

    private final Members members;
    private final Mailer mailer;
    private final MailComposer composer;
    private final MessageSource messages;
    private final Programs programs;
    private final io.patron.common.PublicUrl publicUrl;

    OfferMails(Members members, Mailer mailer, MailComposer composer, MessageSource messages, Programs programs,
               io.patron.common.PublicUrl publicUrl) {
        this.members = members;
        this.mailer = mailer;
        this.composer = composer;
        this.messages = messages;
        this.programs = programs;
        this.publicUrl = publicUrl;
    }

    /** Queues the offer's mail in the caller's transaction; answers whether one was queued. */
    boolean send(Offers.Batch batch, long memberId, String category, IssuedCoupon coupon) {
        Member m = members.find(new MemberId(memberId)).orElse(null);
        if (m == null || !m.active() || m.email() == null || !m.emailConsent().granted()) {
            return false;
        }
        var locale = m.language().locale();
        String offer = batch.kind() == Offers.Kind.FAVOURITE_CATEGORY
                ? messages.getMessage("offers.effect.FAVOURITE_CATEGORY", new Object[] {Amounts.number(batch.percent()), category}, locale)
                : messages.getMessage("offers.effect.WIN_BACK", new Object[] {Amounts.money(batch.amount(), programs.active().definition().currency(),
                        locale)}, locale);
        String mail = batch.kind() == Offers.Kind.FAVOURITE_CATEGORY ? "offer-favourite" : "offer-win-back";
        mailer.queue(composer.composeForMember(mail, m.language(), m.id(), m.email(),
                new MailComposer.Variables(m.firstName(), "", "", "", coupon.code(), publicUrl.url("/portal/coupons"), offer), true));
        return true;
    }
}
