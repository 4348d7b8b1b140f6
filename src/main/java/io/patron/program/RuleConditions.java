package io.patron.program;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rule conditions in CEL (Common Expression Language) over two variables, {@code purchase} and
 * {@code member}, each a map (see docs/architecture.md for their keys). A condition must compile and
 * be a boolean; compiled programs are cached by their text, so each is compiled once.
 */
public final class RuleConditions {

    public static final int LENGTH_MAX = 2_000;
    private static final int CACHE_MAX = 10_000;

    /**
     * The cost bound: a comprehension ({@code exists}, {@code all}, {@code map}, …) stops after
     * {@value #ITERATIONS_MAX} iterations, regular expressions are limited in size, and expressions
     * in length and nesting, so that no condition can stall a till.
     */
    static final int ITERATIONS_MAX = 1_000;
    private static final dev.cel.common.CelOptions OPTIONS = dev.cel.common.CelOptions.current()
            .comprehensionMaxIterations(ITERATIONS_MAX).maxRegexProgramSize(200)
            .maxExpressionCodePointSize(LENGTH_MAX).maxParseRecursionDepth(64).build();
    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(dev.cel.parser.CelStandardMacro.STANDARD_MACROS)
            .addVar("purchase", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("member", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .setResultType(SimpleType.BOOL)
            .build();
    private static final CelCompiler LINE_COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(dev.cel.parser.CelStandardMacro.STANDARD_MACROS)
            .addVar("purchase", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("member", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("line", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .setResultType(SimpleType.BOOL)
            .build();
    /**
     * What a condition may name: the keys of the maps the till gives (checkout's PurchaseFacts). Only
     * the check uses these declared types — a misspelt field ({@code purchase.subtotl}) is refused when
     * the programme is saved instead of failing quietly at every till — while evaluation keeps the maps.
     * The fields are dyn, so what compiled before still compiles.
     */
    public static final List<String> PURCHASE_FIELDS = List.of("subtotal", "lineCount", "categories", "weekday", "hour", "date",
            "storeCode");
    public static final List<String> MEMBER_FIELDS = List.of("present", "categories", "tier", "language", "daysToBirthday",
            "daysSinceBirthday", "daysSinceEnrolment", "purchaseCount", "segments");
    public static final List<String> LINE_FIELDS = List.of("sku", "name", "category", "brand", "quantity", "unitPrice", "amount");
    private static final StructType PURCHASE = struct("patron.Purchase", PURCHASE_FIELDS);
    private static final StructType MEMBER = struct("patron.Member", MEMBER_FIELDS);
    private static final StructType LINE = struct("patron.Line", LINE_FIELDS);
    private static final CelTypeProvider FACTS = new CelTypeProvider() {
        @Override
        public com.google.common.collect.ImmutableCollection<CelType> types() {
            return com.google.common.collect.ImmutableList.of(PURCHASE, MEMBER, LINE);
        }

        @Override
        public Optional<CelType> findType(String name) {
            return types().stream().filter(t -> t.name().equals(name)).findFirst();
        }
    };
    private static final CelCompiler CHECKER = CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(dev.cel.parser.CelStandardMacro.STANDARD_MACROS)
            .setTypeProvider(FACTS)
            .addVar("purchase", PURCHASE)
            .addVar("member", MEMBER)
            .setResultType(SimpleType.BOOL)
            .build();
    private static final CelCompiler LINE_CHECKER = CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(dev.cel.parser.CelStandardMacro.STANDARD_MACROS)
            .setTypeProvider(FACTS)
            .addVar("purchase", PURCHASE)
            .addVar("member", MEMBER)
            .addVar("line", LINE)
            .setResultType(SimpleType.BOOL)
            .build();

    private static StructType struct(String name, List<String> fields) {
        com.google.common.collect.ImmutableSet<String> names = com.google.common.collect.ImmutableSet.copyOf(fields);
        return StructType.create(name, names, field -> names.contains(field) ? Optional.of(SimpleType.DYN) : Optional.empty());
    }

    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();
    private static final Map<String, CelRuntime.Program> PROGRAMS = new ConcurrentHashMap<>();
    private static final Map<String, CelRuntime.Program> LINE_PROGRAMS = new ConcurrentHashMap<>();

    private RuleConditions() {
    }

    /** Why the condition does not compile (with its position), or empty when it does. */
    public static Optional<String> problem(String condition) {
        return problem(COMPILER, condition).or(() -> problem(CHECKER, condition));
    }

    /** The same for a line condition, which also sees {@code line}. */
    public static Optional<String> lineProblem(String condition) {
        return problem(LINE_COMPILER, condition).or(() -> problem(LINE_CHECKER, condition));
    }

    private static Optional<String> problem(CelCompiler compiler, String condition) {
        if (condition == null || condition.isBlank() || condition.length() > LENGTH_MAX) {
            return Optional.of("is required, at most " + LENGTH_MAX + " characters");
        }
        try {
            CelAbstractSyntaxTree ast = compiler.compile(condition).getAst();
            if (!SimpleType.BOOL.equals(ast.getResultType())) {
                // dyn would pass the compiler's check and fail at the till: demand a real boolean.
                return Optional.of("must be a boolean expression (e.g. purchase.subtotal >= 1000.0), not "
                        + ast.getResultType().name());
            }
            return Optional.empty();
        } catch (CelValidationException e) {
            String message = e.getMessage().replaceAll("\\s+", " ").trim();
            if (message.contains("undefined field")) {
                message += " (purchase has " + String.join(", ", PURCHASE_FIELDS) + "; member has " + String.join(", ", MEMBER_FIELDS)
                        + (compiler == LINE_CHECKER ? "; line has " + String.join(", ", LINE_FIELDS) : "") + ")";
            }
            return Optional.of(message);
        }
    }

    /** Evaluates a condition that passed {@link #problem}; an evaluation error counts as false. */
    public static boolean test(String condition, Map<String, Object> purchase, Map<String, Object> member) {
        CelRuntime.Program program = PROGRAMS.computeIfAbsent(condition, c -> compile(COMPILER, c));
        try {
            return Boolean.TRUE.equals(program.eval(Map.of("purchase", purchase, "member", member)));
        } catch (CelEvaluationException e) {
            return false;
        }
    }

    /** Evaluates a line condition that passed {@link #lineProblem} for one line; an evaluation error counts as false. */
    public static boolean testLine(String condition, Map<String, Object> purchase, Map<String, Object> member,
                                   Map<String, Object> line) {
        CelRuntime.Program program = LINE_PROGRAMS.computeIfAbsent(condition, c -> compile(LINE_COMPILER, c));
        try {
            return Boolean.TRUE.equals(program.eval(Map.of("purchase", purchase, "member", member, "line", line)));
        } catch (CelEvaluationException e) {
            return false;
        }
    }

    private static CelRuntime.Program compile(CelCompiler compiler, String condition) {
        if (PROGRAMS.size() > CACHE_MAX || LINE_PROGRAMS.size() > CACHE_MAX) {
            PROGRAMS.clear();
            LINE_PROGRAMS.clear();
        }
        try {
            CelAbstractSyntaxTree ast = compiler.compile(condition).getAst();
            return RUNTIME.createProgram(ast);
        } catch (CelValidationException | CelEvaluationException e) {
            throw new IllegalStateException("a stored rule condition no longer compiles: " + condition, e);
        }
    }
}
