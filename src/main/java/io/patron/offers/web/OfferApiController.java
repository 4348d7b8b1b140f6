package io.patron.offers.web;

import io.patron.offers.Offers;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Personal offers through the API: profiles, proposed batches with their review figures, approval. */
@RestController
@Tag(name = "Personal offers", description = "Batches of personal coupons from each member's own history, reviewed and approved by a marketer")
@PreAuthorize("hasAnyRole('ADMIN','MARKETER')")
class OfferApiController {

    private final Offers offers;

    OfferApiController(Offers offers) {
        this.offers = offers;
    }

    @PostMapping("/api/v1/offers/profiles")
    @Operation(summary = "Work every member's profile out again now (the daily job does it)")
    ProfilesComputed computeProfiles() {
        long start = System.nanoTime();
        long members = offers.computeProfiles();
        return new ProfilesComputed(members, (System.nanoTime() - start) / 1_000_000);
    }

    /** How many members' profiles were worked out, and how long it took. */
    record ProfilesComputed(long members, long millis) {
    }

    @GetMapping("/api/v1/members/{id}/profile")
    @PreAuthorize("hasAnyRole('ADMIN','MARKETER','SUPPORT')")
    @Operation(summary = "A member's profile: favourite category, visits, usual basket, rhythm, last visit")
    Offers.Profile profile(@PathVariable long id) {
        return offers.profile(id).orElseThrow(() -> io.patron.common.ProblemException.notFound("PROFILE_NOT_FOUND",
                "No profile for member " + id + ": no purchase in the last year, or profiles not worked out yet."));
    }

    @PostMapping("/api/v1/offers")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Propose a batch of personal offers from the current profiles, for review",
            description = "FAVOURITE_CATEGORY: percent off each member's favourite category (share at least minShare); WIN_BACK: amount off "
                    + "for members away lapsedDays and more than twice their usual gap. holdoutPercent of the batch gets nothing.")
    Review propose(@RequestBody Offers.Proposal proposal) {
        return review(offers.propose(proposal));
    }

    @GetMapping("/api/v1/offers")
    @Operation(summary = "The newest batches (at most 100)")
    List<Offers.Batch> list() {
        return offers.list(100);
    }

    /** A batch with what a reviewer looks at: counts and costs, categories, a sample of members. */
    record Review(Offers.Batch batch, List<Offers.CategoryCount> categories, List<Offers.Sample> sample) {
    }

    @GetMapping("/api/v1/offers/{id}")
    @Operation(summary = "A batch with its categories and a sample of its members")
    Review get(@PathVariable long id) {
        return review(offers.batch(id));
    }

    @PostMapping("/api/v1/offers/{id}/approve")
    @Operation(summary = "Approve a proposed batch: its campaigns are created, its coupons issued and mailed in the background")
    Offers.Batch approve(@PathVariable long id) {
        return offers.approve(id);
    }

    @PostMapping("/api/v1/offers/{id}/discard")
    @Operation(summary = "Discard a proposed batch")
    Offers.Batch discard(@PathVariable long id) {
        return offers.discard(id);
    }

    private Review review(Offers.Batch b) {
        return new Review(b, offers.categories(b.id()), offers.sample(b.id()));
    }
}
