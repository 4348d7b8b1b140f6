package io.patron.checkout.internal;

/** Lines of excluded categories (tobacco and alcohol, by law in some countries) earn nothing and get no discount. */
final class ExcludedCategories implements PricingStage {

    @Override
    public void apply(PricingContext context) {
        var earning = context.program.definition().earning();
        for (PricingContext.LineState line : context.lines) {
            line.excluded = earning.excluded(line.line.category());
        }
    }
}
