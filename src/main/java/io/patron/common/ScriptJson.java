package io.patron.common;

/**
 * JSON written into a page inside {@code <script type="application/json">}. JSON allows {@code <}
 * in strings, and HTML ends a script element at the first {@code </script>} whatever the type, so a
 * name someone typed could close the element and put markup of their own into the page. Escaping
 * {@code <}, {@code >} and {@code &} as JSON unicode escapes keeps the text JSON and inert; U+2028
 * and U+2029 are escaped too, because older JavaScript parsers treat them as line ends.
 */
public final class ScriptJson {

    private ScriptJson() {
    }

    public static String escape(String json) {
        StringBuilder out = new StringBuilder(json.length() + 16);
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            switch (c) {
                case '<' -> out.append("\\u003c");
                case '>' -> out.append("\\u003e");
                case '&' -> out.append("\\u0026");
                case '\u2028' -> out.append("\\u2028");
                case '\u2029' -> out.append("\\u2029");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
