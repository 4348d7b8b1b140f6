package io.patron.members.web;

import io.patron.common.Caller;
import io.patron.common.Callers;
import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.members.EnrolmentChannel;
import io.patron.members.Member;
import io.patron.members.MemberDetails;
import io.patron.members.MemberId;
import io.patron.members.Members;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Members through the API: tills enrol and identify; admin users and scripts do the rest. */
@RestController
@RequestMapping("/api/v1/members")
@Tag(name = "Members", description = "Enrolment, lookup and care of members and their cards")
class MemberApiController {

    private static final String SUPPORT = "hasAnyRole('ADMIN','SUPPORT')";
    private static final String ANY_ADMIN = "hasAnyRole('ADMIN','SUPPORT','MARKETER','ANALYST')";

    private final Members members;
    private final io.patron.common.TillLookups tillLookups;

    MemberApiController(Members members, io.patron.common.TillLookups tillLookups) {
        this.members = members;
        this.tillLookups = tillLookups;
    }

    @PostMapping
    @PreAuthorize("hasAnyRole('TILL','ADMIN','SUPPORT')")
    @Operation(summary = "Enrol a member", description = "A card number is generated (EAN-13) unless one is given.")
    ResponseEntity<MemberResponse> enrol(@RequestBody EnrolRequest request) {
        Caller caller = Callers.current().orElseThrow();
        Long storeId = request.storeId();
        EnrolmentChannel channel = EnrolmentChannel.API;
        if (caller instanceof Caller.Till till) {
            if (storeId != null && storeId != till.storeId()) {
                throw ProblemException.forbidden("STORE_FORBIDDEN", "A till key acts only for its own store.");
            }
            storeId = till.storeId();
            channel = EnrolmentChannel.TILL;
        }
        Members.Enrolment enrolment = members.enrol(request.details(), channel, storeId);
        Member member = enrolment.member();
        return ResponseEntity.created(URI.create("/api/v1/members/" + member.id()))
                .body(MemberResponse.of(member, members.cards(member.id())));
    }

    @GetMapping
    @PreAuthorize("hasRole('TILL') or " + ANY_ADMIN)
    @Operation(summary = "Find members", description = "By cardNumber, phone, email or externalId (tills must give one); admins may also search with q.")
    Page<MemberResponse> find(@RequestParam Optional<String> cardNumber, @RequestParam Optional<String> phone,
                              @RequestParam Optional<String> email, @RequestParam Optional<String> externalId,
                              @RequestParam Optional<String> q, @RequestParam Optional<Integer> page,
                              @RequestParam Optional<Integer> size) {
        boolean till = Callers.till().isPresent();
        tillLookups.count();
        Optional<Member> exact;
        if (cardNumber.isPresent()) {
            // The till's hot path: one query for the member and all their cards.
            List<MemberResponse> items = members.findWithCardsByCard(cardNumber.get())
                    .map(e -> till ? MemberResponse.forTill(e.getKey(), e.getValue()) : MemberResponse.of(e.getKey(), e.getValue()))
                    .stream().toList();
            return new Page<>(items, 0, 1, items.size());
        } else if (phone.isPresent()) {
            exact = members.findByPhone(phone.get());
        } else if (email.isPresent()) {
            exact = members.findByEmail(email.get());
        } else if (externalId.isPresent()) {
            exact = members.findByExternalId(externalId.get());
        } else {
            if (till) {
                throw ProblemException.invalid("cardNumber", "a till identifies a member by cardNumber, phone, email or externalId");
            }
            PageRequest request = PageRequest.of(page.orElse(null), size.orElse(null), 50);
            Page<Member> found = members.search(q.orElse(""), request);
            Map<Long, String> cards = members.primaryCardNumbers(found.items());
            return found.map(m -> MemberResponse.summary(m, cards.get(m.id().value())));
        }
        List<MemberResponse> items = exact.map(m -> till ? MemberResponse.forTill(m, members.cards(m.id()))
                : MemberResponse.of(m, members.cards(m.id()))).stream().toList();
        return new Page<>(items, 0, 1, items.size());
    }

    /** Not for tills: a till finds the member at its counter by card, phone or QR, never by walking ids. */
    @GetMapping("/{id}")
    @PreAuthorize(ANY_ADMIN)
    MemberResponse get(@PathVariable long id) {
        Member member = members.get(new MemberId(id));
        return MemberResponse.of(member, members.cards(member.id()));
    }

    @PatchMapping("/{id}")
    @PreAuthorize(SUPPORT)
    @Operation(summary = "Change profile fields", description = "Absent fields stay; an empty string clears an optional field.")
    MemberResponse update(@PathVariable long id, @RequestBody UpdateRequest request) {
        Member member = members.update(new MemberId(id), request.details(), EnrolmentChannel.API);
        return MemberResponse.of(member, members.cards(member.id()));
    }

    @PostMapping("/{id}/block")
    @PreAuthorize(SUPPORT)
    MemberResponse block(@PathVariable long id, @RequestBody ReasonRequest request) {
        Member member = members.block(new MemberId(id), request.reason());
        return MemberResponse.of(member, members.cards(member.id()));
    }

    @PostMapping("/{id}/unblock")
    @PreAuthorize(SUPPORT)
    MemberResponse unblock(@PathVariable long id) {
        Member member = members.unblock(new MemberId(id));
        return MemberResponse.of(member, members.cards(member.id()));
    }

    @PostMapping("/{id}/cards")
    @PreAuthorize("hasAnyRole('TILL','ADMIN','SUPPORT')")
    @Operation(summary = "Add a card", description = "Registers a printed card number, or generates one.")
    ResponseEntity<MemberResponse.CardView> addCard(@PathVariable long id, @RequestBody CardRequest request) {
        var card = members.addCard(new MemberId(id), request.cardNumber());
        return ResponseEntity.status(201).body(MemberResponse.CardView.of(card));
    }

    @PostMapping("/{id}/cards/{cardNumber}/reissue")
    @PreAuthorize(SUPPORT)
    @Operation(summary = "Replace a lost card", description = "Blocks the old card and issues a new one; the balance stays with the member.")
    ResponseEntity<MemberResponse.CardView> reissue(@PathVariable long id, @PathVariable String cardNumber,
                                                    @RequestBody(required = false) CardRequest request) {
        var card = members.reissueCard(new MemberId(id), cardNumber, request == null ? null : request.cardNumber());
        return ResponseEntity.status(201).body(MemberResponse.CardView.of(card));
    }

    @PostMapping("/{id}/merge")
    @PreAuthorize(SUPPORT)
    @Operation(summary = "Merge a duplicate into this member")
    MemberResponse merge(@PathVariable long id, @RequestBody MergeRequest request) {
        if (request.duplicateId() == null) {
            throw ProblemException.invalid("duplicateId", "is required");
        }
        Member member = members.merge(new MemberId(id), new MemberId(request.duplicateId()));
        return MemberResponse.of(member, members.cards(member.id()));
    }

    @GetMapping("/{id}/export")
    @PreAuthorize(SUPPORT)
    @Operation(summary = "GDPR export of everything held about the member")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "A JSON document of everything held: "
            + "exportedAt, member, cards, referralsMade, auditTrail, purchases, points, emails and portalSignIns, each an object or an array "
            + "of the records as they are stored (its sections grow with the data Patron holds, so it is not a fixed schema)",
            content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json",
                    schema = @io.swagger.v3.oas.annotations.media.Schema(type = "object", additionalPropertiesSchema = Object.class)))
    Map<String, Object> export(@PathVariable long id) {
        return members.export(new MemberId(id));
    }

    @PostMapping("/{id}/erase")
    @PreAuthorize(SUPPORT)
    @Operation(summary = "GDPR erasure", description = "Removes personal data; purchases and ledger stay, anonymised.")
    MemberResponse erase(@PathVariable long id) {
        Member member = members.erase(new MemberId(id));
        return MemberResponse.of(member, members.cards(member.id()));
    }

    record Consents(Boolean emailMarketing, Boolean smsMarketing) {
    }

    record EnrolRequest(@io.swagger.v3.oas.annotations.media.Schema(description = "A printed card to register (13 digits with its check digit); absent: one is generated") String cardNumber,
                        String externalId, String phone, String email, String firstName,
                        String lastName, LocalDate birthDate, @io.swagger.v3.oas.annotations.media.Schema(allowableValues = {"en", "ru", "ro", "hy"}) String language,
                        @io.swagger.v3.oas.annotations.media.ArraySchema(schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = io.patron.members.MemberCategory.class), uniqueItems = true) List<String> categories,
                        Consents consents, String referralCode, Long storeId) {
        MemberDetails details() {
            return new MemberDetails(cardNumber, externalId, phone, email, firstName, lastName, birthDate, language,
                    categories, consents == null ? null : consents.emailMarketing(), referralCode,
                    consents == null ? null : consents.smsMarketing());
        }
    }

    record UpdateRequest(String externalId, String phone, String email, String firstName, String lastName,
                         LocalDate birthDate, String language, List<String> categories, Consents consents) {
        MemberDetails details() {
            return new MemberDetails(null, externalId, phone, email, firstName, lastName, birthDate, language,
                    categories, consents == null ? null : consents.emailMarketing(), null,
                    consents == null ? null : consents.smsMarketing());
        }
    }

    record ReasonRequest(String reason) {
    }

    record CardRequest(String cardNumber) {
    }

    record MergeRequest(Long duplicateId) {
    }
}
