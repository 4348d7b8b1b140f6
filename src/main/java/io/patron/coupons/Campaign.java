package io.patron.coupons;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * A coupon campaign: what its coupons do ({@code effect}), how often a code and a member may use
 * one ({@code usesPerCode}, {@code usesPerMember}; null: no limit), when (a window, and for coupons
 * issued one by one {@code validDays} from their issue), the minimum basket, and where (stores by
 * code, categories or SKUs; empty: everywhere). {@code stacking} decides how a coupon meets tier and
 * rule discounts and other coupons; {@code partner} names the partner that issued the codes.
 */
public record Campaign(long id, String code, String name, Effect effect, Integer usesPerCode, Integer usesPerMember,
                       OffsetDateTime validFrom, OffsetDateTime validTo, Integer validDays, BigDecimal minBasket,
                       List<String> stores, List<String> categories, List<String> skus, Stacking stacking, String partner,
                       Status status, String createdBy, OffsetDateTime createdAt) {

    public Campaign {
        stores = stores == null ? List.of() : List.copyOf(stores);
        categories = categories == null ? List.of() : List.copyOf(categories);
        skus = skus == null ? List.of() : List.copyOf(skus);
    }

    /** Percent or amount off the lines it applies to, one unit of a product free, or bonus points. */
    @io.swagger.v3.oas.annotations.media.Schema(name = "CouponEffect")
    public record Effect(EffectType type, BigDecimal value, String sku) {
    }

    @io.swagger.v3.oas.annotations.media.Schema(name = "CampaignEffectType")
    public enum EffectType { PERCENT_DISCOUNT, FIXED_DISCOUNT, FREE_PRODUCT, BONUS_POINTS }

    /**
     * STACK: on top of tier and rule discounts and other coupons; BEST_OF: only when it beats the
     * discounts already given, which it then replaces; EXCLUSIVE: on top of tier and rules, but with no
     * other coupon.
     */
    @io.swagger.v3.oas.annotations.media.Schema(name = "CampaignStacking")
    public enum Stacking { STACK, BEST_OF, EXCLUSIVE }

    @io.swagger.v3.oas.annotations.media.Schema(name = "CampaignStatus")
    public enum Status { ACTIVE, ENDED }
}
