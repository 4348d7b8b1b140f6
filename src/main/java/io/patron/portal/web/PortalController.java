package io.patron.portal.web;

import io.patron.common.Caller;
import io.patron.common.Callers;
import io.patron.common.FieldViolation;
import io.patron.common.PageRequest;
import io.patron.ledger.Ledger;
import io.patron.ledger.LedgerDescriptions;
import io.patron.ledger.LedgerEntry;
import java.time.Clock;
import java.time.OffsetDateTime;
import org.springframework.context.i18n.LocaleContextHolder;
import io.patron.common.ProblemException;
import io.patron.members.Card;
import io.patron.members.EnrolmentChannel;
import io.patron.members.Member;
import io.patron.members.MemberDetails;
import io.patron.members.MemberId;
import io.patron.members.Members;
import io.patron.messaging.MailComposer;
import io.patron.messaging.Mailer;
import io.patron.common.Barcodes;
import io.patron.portal.internal.LoginLinks;
import io.patron.security.MemberSessions;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.ui.Model;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The member portal: sign-in by a one-time e-mail link, self sign-up, the card with its barcode and
 * QR code, and the profile with the marketing consent. A member only ever sees their own data: every
 * page reads the member id from the session, never from the request.
 */
@Controller
@RequestMapping("/portal")
class PortalController {

    private final Members members;
    private final LoginLinks links;
    private final MailComposer composer;
    private final Mailer mailer;
    private final MemberSessions sessions;
    private final TransactionTemplate transactions;
    private final Ledger ledger;
    private final LedgerDescriptions descriptions;
    private final io.patron.checkout.Tiers tiers;
    private final io.patron.program.Programs programs;
    private final Clock clock;
    private final io.patron.common.PublicUrl publicUrl;
    private final io.patron.portal.internal.SignInCodes codes;

    PortalController(Members members, LoginLinks links, MailComposer composer, Mailer mailer, MemberSessions sessions,
                     TransactionTemplate transactions, Ledger ledger, LedgerDescriptions descriptions, io.patron.checkout.Tiers tiers,
                     io.patron.program.Programs programs, Clock clock,
                     io.patron.common.PublicUrl publicUrl, io.patron.portal.internal.SignInCodes codes) {
        this.codes = codes;
        this.ledger = ledger;
        this.descriptions = descriptions;
        this.tiers = tiers;
        this.programs = programs;
        this.clock = clock;
        this.members = members;
        this.links = links;
        this.composer = composer;
        this.mailer = mailer;
        this.sessions = sessions;
        this.transactions = transactions;
        this.publicUrl = publicUrl;
    }

    @GetMapping("/login")
    String loginForm() {
        return "portal/login";
    }

    /** Sends a sign-in link if the address belongs to a member; the answer is the same either way. */
    @PostMapping("/login")
    String sendLink(@RequestParam(defaultValue = "") String email, HttpServletRequest request) {
        if (email.length() <= MemberDetails.EMAIL_MAX) {
            members.findByEmail(email).filter(Member::changeable).ifPresent(member ->
                    transactions.executeWithoutResult(s -> sendSignInLink(member, "login", request)));
        }
        return "redirect:/portal/check-mail";
    }

    /**
     * Sign-in for members without e-mail: a code by SMS to the phone the member has. The next page asks
     * for the code whether or not the number is a member's, so the answer tells nothing.
     */
    @PostMapping("/login/phone")
    String sendCode(@RequestParam(defaultValue = "") String phone) {
        Optional<Member> member = phone.length() > 32 ? Optional.empty()
                : members.findByPhone(phone).filter(Member::changeable).filter(m -> m.phone() != null);
        String challenge = codes.start(member);
        return "redirect:/portal/login/code?challenge=" + challenge;
    }

    @GetMapping("/login/code")
    String codeForm(@RequestParam(defaultValue = "") String challenge, Model model) {
        model.addAttribute("challenge", challenge);
        model.addAttribute("open", codes.open(challenge));
        return "portal/code";
    }

    @PostMapping("/login/code")
    String signInWithCode(@RequestParam(defaultValue = "") String challenge, @RequestParam(defaultValue = "") String code,
                          HttpServletRequest request, HttpServletResponse response, Model model) {
        Optional<Member> member = code.length() > 12 ? Optional.empty()
                : codes.use(challenge, code).flatMap(members::find).filter(Member::changeable);
        if (member.isEmpty()) {
            model.addAttribute("challenge", challenge);
            model.addAttribute("open", codes.open(challenge));
            model.addAttribute("wrong", true);
            return "portal/code";
        }
        sessions.signIn(request, response, member.get().id().value(), member.get().language());
        return "redirect:/portal";
    }

    @GetMapping("/check-mail")
    String checkMail() {
        return "portal/check-mail";
    }

    /**
     * The link from the e-mail opens a confirmation page; only its button uses the token. Mail
     * scanners that open links would otherwise burn the token before the member clicks it.
     */
    @GetMapping("/auth")
    String confirm(@RequestParam(defaultValue = "") String token, Model model) {
        model.addAttribute("token", token);
        model.addAttribute("valid", links.valid(token));
        return "portal/auth";
    }

    @PostMapping("/auth")
    String signIn(@RequestParam(defaultValue = "") String token, HttpServletRequest request,
                  HttpServletResponse response, Model model) {
        Optional<Member> member = links.redeem(token).flatMap(members::find).filter(Member::changeable);
        if (member.isEmpty()) {
            model.addAttribute("token", "");
            model.addAttribute("valid", false);
            return "portal/auth";
        }
        sessions.signIn(request, response, member.get().id().value(), member.get().language());
        return "redirect:/portal";
    }

    @GetMapping("/signup")
    String signupForm(@RequestParam(required = false) String ref, Model model) {
        model.addAttribute("form", SignupForm.empty(ref == null || ref.length() > 16 ? "" : ref.trim()));
        return "portal/signup";
    }

    @PostMapping("/signup")
    String signup(SignupForm form, Model model, HttpServletRequest request) {
        model.addAttribute("form", form);
        if (!StringUtils.hasText(form.email())) {
            model.addAttribute("errors", List.of(new FieldViolation("email", "required")));
            return "portal/signup";
        }
        try {
            enrol(form, request);
        } catch (ProblemException e) {
            if (e.code().equals("EMAIL_TAKEN")) {
                // Do not reveal that the address is known: send that member a sign-in link instead.
                return sendLink(form.email(), request);
            }
            if (e.code().equals("PHONE_TAKEN")) {
                // Nor that the phone number is: the card is made without it (the owner of the address
                // can add a number of their own in the profile).
                try {
                    enrol(form.withoutPhone(), request);
                } catch (ProblemException again) {
                    if (again.code().equals("EMAIL_TAKEN")) {
                        return sendLink(form.email(), request);
                    }
                    model.addAttribute("errors", again.violations());
                    return "portal/signup";
                }
                return "redirect:/portal/check-mail";
            }
            model.addAttribute("errors", e.violations());
            return "portal/signup";
        }
        return "redirect:/portal/check-mail";
    }

    private void enrol(SignupForm form, HttpServletRequest request) {
        transactions.executeWithoutResult(s -> {
            Member member = members.enrol(form.details(), EnrolmentChannel.PORTAL, null).member();
            sendSignInLink(member, "welcome", request);
        });
    }

    @GetMapping
    String card(Model model) {
        Member member = current();
        model.addAttribute("member", member);
        model.addAttribute("account", ledger.account(member.id(), OffsetDateTime.now(clock)));
        model.addAttribute("card", members.primaryCard(member.id()).map(c -> c.number().value()).orElse(null));
        model.addAttribute("cards", members.cards(member.id()).stream().filter(Card::active).toList());
        var program = programs.active().definition();
        if (program.tiers() != null && !program.tiers().levels().isEmpty()) {
            var tier = tiers.status(member.id(), program, OffsetDateTime.now(clock));
            model.addAttribute("tier", tier);
            model.addAttribute("currency", program.currency());
            if (tier != null && tier.next() != null && tier.needed() != null) {
                model.addAttribute("needed", tier.points() ? tier.needed().setScale(0, java.math.RoundingMode.CEILING).toPlainString()
                        : tier.needed().setScale(2, java.math.RoundingMode.HALF_UP).toPlainString());
            }
        }
        model.addAttribute("birthdayWeek", birthdayWeek(member,
                OffsetDateTime.now(clock).atZoneSameInstant(java.time.ZoneId.of(program.timeZone())).toLocalDate()));
        return "portal/card";
    }

    /** The seven days from the member's birthday (29 February counts as 28 February in other years). */
    static boolean birthdayWeek(Member member, java.time.LocalDate today) {
        if (member.birthDate() == null) {
            return false;
        }
        java.time.LocalDate birthday = member.birthDate().withYear(today.getYear());
        if (birthday.isAfter(today)) {
            birthday = member.birthDate().withYear(today.getYear() - 1);
        }
        long since = java.time.temporal.ChronoUnit.DAYS.between(birthday, today);
        return since >= 0 && since < 7;
    }

    @GetMapping("/points")
    String points(@RequestParam(defaultValue = "0") int page, Model model) {
        Member member = current();
        OffsetDateTime now = OffsetDateTime.now(clock);
        model.addAttribute("member", member);
        model.addAttribute("account", ledger.account(member.id(), now));
        io.patron.checkout.TierStatus tier = tiers.status(member.id(), programs.active().definition(), now);
        model.addAttribute("tier", tier);
        model.addAttribute("tierPercent", tier == null || tier.next() == null ? 100
                : tier.spend().movePointRight(2).divide(tier.next().threshold(), 0, java.math.RoundingMode.DOWN).intValue());
        model.addAttribute("history", ledger.history(member.id(), new PageRequest(Math.max(0, page), 20))
                .map(e -> new HistoryLine(e, descriptions.describe(e, LocaleContextHolder.getLocale()))));
        return "portal/points";
    }

    /** A line of the member's points history with its description in their language. */
    public record HistoryLine(LedgerEntry entry, String description) {
    }

    @GetMapping("/card/barcode.svg")
    ResponseEntity<String> barcode() {
        return svg(Barcodes.ean13Svg(primaryCard()));
    }

    @GetMapping("/card/qr.svg")
    ResponseEntity<String> qr() {
        return svg(Barcodes.qrSvg(primaryCard()));
    }

    @GetMapping("/profile")
    String profile(Model model) {
        Member member = current();
        model.addAttribute("member", member);
        model.addAttribute("form", ProfileForm.of(member));
        return "portal/profile";
    }

    @PostMapping("/profile")
    String saveProfile(ProfileForm form, Model model, RedirectAttributes redirect, HttpServletRequest request,
                       HttpServletResponse response) {
        Member member = current();
        try {
            Member saved = members.update(member.id(), form.details(), EnrolmentChannel.PORTAL);
            sessions.signIn(request, response, saved.id().value(), saved.language());
            redirect.addFlashAttribute("saved", true);
            return "redirect:/portal/profile?lang=" + saved.language().name();
        } catch (ProblemException e) {
            model.addAttribute("member", member);
            model.addAttribute("form", form);
            model.addAttribute("errors", e.violations());
            return "portal/profile";
        }
    }

    @PostMapping("/logout")
    String logout(HttpServletRequest request, HttpServletResponse response) {
        sessions.signOut(request, response);
        return "redirect:/portal/login?signedOut";
    }

    private void sendSignInLink(Member member, String template, HttpServletRequest request) {
        String token = links.issue(member.id());
        String base = publicUrl.base();
        // The outbox keeps the link with a mark in place of the token; the sender puts the token in.
        String link = base + "/portal/auth?token=" + io.patron.messaging.Mail.SECRET_MARK;
        String name = StringUtils.hasText(member.firstName()) ? member.firstName() : "";
        mailer.queue(composer.compose(template, member.language(), member.id(), member.email(),
                new Object[] {name, link}, Map.of("name", name, "link", link)).withSecret(token));
    }

    private Member current() {
        Caller.Member caller = Callers.member();
        return members.get(new MemberId(caller.memberId()));
    }

    private String primaryCard() {
        return members.primaryCard(current().id()).map(c -> c.number().value())
                .orElseThrow(() -> ProblemException.notFound("CARD_NOT_FOUND", "No active card."));
    }

    private static ResponseEntity<String> svg(String svg) {
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).header("Content-Type", "image/svg+xml").body(svg);
    }

    /** {@code referralCode}: the code of the member whose link brought the newcomer (from {@code ?ref=}). */
    public record SignupForm(String email, String firstName, String lastName, String phone, String birthDate,
                      String language, Boolean emailMarketing, String referralCode) {
        static SignupForm empty(String referralCode) {
            return new SignupForm("", "", "", "", "", null, false, referralCode);
        }

        SignupForm withoutPhone() {
            return new SignupForm(email, firstName, lastName, "", birthDate, language, emailMarketing, referralCode);
        }

        MemberDetails details() {
            return new MemberDetails(null, null, blank(phone), email, blank(firstName), blank(lastName), date(birthDate),
                    blank(language), null, Boolean.TRUE.equals(emailMarketing), blank(referralCode));
        }
    }

    public record ProfileForm(String firstName, String lastName, String phone, String birthDate, String language,
                       Boolean emailMarketing) {
        static ProfileForm of(Member m) {
            return new ProfileForm(m.firstName(), m.lastName(), m.phone(),
                    m.birthDate() == null ? "" : m.birthDate().toString(), m.language().name(), m.emailConsent().granted());
        }

        MemberDetails details() {
            return new MemberDetails(null, null, phone == null ? "" : phone, null, firstName == null ? "" : firstName,
                    lastName == null ? "" : lastName, date(birthDate), language, null,
                    Boolean.TRUE.equals(emailMarketing), null);
        }
    }

    static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    static LocalDate date(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(s.trim());
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid("birthDate", "use YYYY-MM-DD");
        }
    }
}
