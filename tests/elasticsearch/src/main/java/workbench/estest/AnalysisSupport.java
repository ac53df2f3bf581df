package workbench.estest;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.charfilter.MappingCharFilter;
import org.apache.lucene.analysis.charfilter.NormalizeCharMap;
import org.apache.lucene.analysis.el.GreekLowerCaseFilter;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishMinimalStemFilter;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.KStemFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.ga.IrishLowerCaseFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.pattern.PatternTokenizer;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.tr.TurkishLowerCaseFilter;
import org.elasticsearch.common.regex.Regex;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.AbstractCharFilterFactory;
import org.elasticsearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.elasticsearch.index.analysis.AbstractTokenFilterFactory;
import org.elasticsearch.index.analysis.AbstractTokenizerFactory;
import org.elasticsearch.index.analysis.Analysis;
import org.elasticsearch.index.analysis.NormalizingCharFilterFactory;
import org.elasticsearch.index.analysis.NormalizingTokenFilterFactory;
import org.tartarus.snowball.ext.EnglishStemmer;

import java.io.Reader;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Re-implementations of the handful of analysis components from Elasticsearch's
 * {@code analysis-common} module that our tests use. That module is not published on
 * Maven Central, but the Lucene classes behind it are (lucene-analysis-common is a
 * dependency of the server jar), so each component here is a thin factory over Lucene,
 * accepting the same names and options as the real module.
 */
final class AnalysisSupport {

    private AnalysisSupport() {}

    /** {@code "analyzer": "english"} (options: {@code stopwords}, {@code stopwords_path}, {@code stem_exclusion}). */
    static final class EnglishAnalyzerProvider extends AbstractIndexAnalyzerProvider<EnglishAnalyzer> {
        private final EnglishAnalyzer analyzer;

        EnglishAnalyzerProvider(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name);
            analyzer = new EnglishAnalyzer(
                Analysis.parseStopWords(env, settings, EnglishAnalyzer.getDefaultStopSet()),
                Analysis.parseStemExclusion(settings, CharArraySet.EMPTY_SET)
            );
        }

        @Override
        public EnglishAnalyzer get() {
            return analyzer;
        }
    }

    /**
     * {@code "type": "stemmer"} with {@code language} (or {@code name}) one of the English
     * stemmers of Elasticsearch: english, porter (default), light_english / kstem,
     * minimal_english, possessive_english, porter2.
     */
    static final class StemmerTokenFilterFactory extends AbstractTokenFilterFactory {
        private final UnaryOperator<TokenStream> stemmer;

        StemmerTokenFilterFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name);
            String language = settings.get("language", settings.get("name", "porter"));
            stemmer = switch (language.toLowerCase(Locale.ROOT)) {
                case "english", "porter" -> PorterStemFilter::new;
                case "light_english", "lightenglish", "kstem" -> KStemFilter::new;
                case "minimal_english", "minimalenglish" -> EnglishMinimalStemFilter::new;
                case "possessive_english", "possessiveenglish" -> EnglishPossessiveFilter::new;
                case "porter2" -> ts -> new SnowballFilter(ts, new EnglishStemmer());
                default -> throw new IllegalArgumentException(
                    "stemmer language [" + language + "] is not supported by this test node (only the English stemmers: "
                        + "english, porter, light_english, kstem, minimal_english, possessive_english, porter2)"
                );
            };
        }

        @Override
        public TokenStream create(TokenStream tokenStream) {
            return stemmer.apply(tokenStream);
        }
    }

    /**
     * {@code "type": "snowball"} with {@code language} (default English): one of the Snowball
     * stemmers Lucene ships, by its class name (Porter, English, German …). The project uses
     * Porter: the same Snowball algorithm as PyStemmer's, so both engines stem alike.
     */
    static final class SnowballTokenFilterFactory extends AbstractTokenFilterFactory {
        private final String language;

        SnowballTokenFilterFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name);
            String given = settings.get("language", settings.get("name", "English"));
            language = given.isEmpty() ? given : Character.toUpperCase(given.charAt(0)) + given.substring(1);
        }

        @Override
        public TokenStream create(TokenStream tokenStream) {
            return new SnowballFilter(tokenStream, language);
        }
    }

    /** {@code "porter_stem"}. */
    static final class PorterStemTokenFilterFactory extends AbstractTokenFilterFactory {
        PorterStemTokenFilterFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name);
        }

        @Override
        public TokenStream create(TokenStream tokenStream) {
            return new PorterStemFilter(tokenStream);
        }
    }

    /** {@code "kstem"}. */
    static final class KStemTokenFilterFactory extends AbstractTokenFilterFactory {
        KStemTokenFilterFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name);
        }

        @Override
        public TokenStream create(TokenStream tokenStream) {
            return new KStemFilter(tokenStream);
        }
    }

    /** {@code "type": "lowercase"} with optional {@code language}: greek, irish, turkish. */
    static final class LowerCaseTokenFilterFactory extends AbstractTokenFilterFactory implements NormalizingTokenFilterFactory {
        private final String language;

        LowerCaseTokenFilterFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name);
            this.language = settings.get("language");
            if (language != null && !language.equalsIgnoreCase("greek") && !language.equalsIgnoreCase("irish")
                && !language.equalsIgnoreCase("turkish")) {
                throw new IllegalArgumentException("language [" + language + "] not support for lower case");
            }
        }

        @Override
        public TokenStream create(TokenStream tokenStream) {
            if (language == null) {
                return new LowerCaseFilter(tokenStream);
            }
            return switch (language.toLowerCase(Locale.ROOT)) {
                case "greek" -> new GreekLowerCaseFilter(tokenStream);
                case "irish" -> new IrishLowerCaseFilter(tokenStream);
                default -> new TurkishLowerCaseFilter(tokenStream);
            };
        }
    }

    /** {@code "asciifolding"} with optional {@code preserve_original}. */
    static final class ASCIIFoldingTokenFilterFactory extends AbstractTokenFilterFactory implements NormalizingTokenFilterFactory {
        private final boolean preserveOriginal;

        ASCIIFoldingTokenFilterFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name);
            preserveOriginal = settings.getAsBoolean("preserve_original", false);
        }

        @Override
        public TokenStream create(TokenStream tokenStream) {
            return new ASCIIFoldingFilter(tokenStream, preserveOriginal);
        }

        @Override
        public TokenStream normalize(TokenStream tokenStream) {
            // like Elasticsearch: never emit the original token when normalizing (e.g. for keyword normalizers)
            return new ASCIIFoldingFilter(tokenStream, false);
        }
    }

    /**
     * {@code "type": "mapping"} char filter: {@code mappings} (a list of {@code "from => to"}
     * rules; {@code to} may be empty, which deletes {@code from}) or {@code mappings_path}.
     * Either side may use the escapes {@code \\uXXXX}, {@code \\n}, {@code \\t},
     * {@code \\r}, {@code \\b}, {@code \\f} and {@code \\\\}, as in the real module. Used by the
     * project's folding (search/folding.py).
     */
    static final class MappingCharFilterFactory extends AbstractCharFilterFactory implements NormalizingCharFilterFactory {
        private final NormalizeCharMap map;

        MappingCharFilterFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name);
            List<String> rules = Analysis.getWordList(env, settings, "mappings");
            if (rules == null) {
                throw new IllegalArgumentException("mapping requires either `mappings` or `mappings_path` to be configured");
            }
            NormalizeCharMap.Builder builder = new NormalizeCharMap.Builder();
            for (String rule : rules) {
                int arrow = rule.lastIndexOf("=>");
                if (arrow < 0) {
                    throw new IllegalArgumentException("Invalid Mapping Rule : [" + rule + "]");
                }
                builder.add(unescape(rule.substring(0, arrow).trim()), unescape(rule.substring(arrow + 2).trim()));
            }
            map = builder.build();
        }

        @Override
        public Reader create(Reader reader) {
            return new MappingCharFilter(map, reader);
        }

        private static String unescape(String text) {
            StringBuilder out = new StringBuilder(text.length());
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (++i >= text.length()) {
                    throw new IllegalArgumentException("Invalid escaped char in [" + text + "]");
                }
                char e = text.charAt(i);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        if (i + 4 >= text.length()) {
                            throw new IllegalArgumentException("Invalid escaped char in [" + text + "]");
                        }
                        out.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                    default -> out.append(e);
                }
            }
            return out.toString();
        }
    }

    /** The {@code pattern} tokenizer's default pattern: split on runs of non-word characters. */
    static final String DEFAULT_TOKENIZER_PATTERN = "\\W+";

    /**
     * {@code "type": "pattern"} tokenizer: {@code pattern} (a Java regex, default {@code \W+}),
     * {@code flags} (pipe-separated {@link Pattern} flag names, e.g. {@code CASE_INSENSITIVE|COMMENTS})
     * and {@code group} (-1, the default, splits on the matches; 0 or more emits that capture
     * group of each match as a token). Same parsing as Elasticsearch's own factory.
     */
    static final class PatternTokenizerFactory extends AbstractTokenizerFactory {
        private final Pattern pattern;
        private final int group;

        PatternTokenizerFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name);
            String regex = settings.get("pattern", DEFAULT_TOKENIZER_PATTERN);
            this.pattern = Regex.compile(regex, settings.get("flags"));
            this.group = settings.getAsInt("group", -1);
        }

        @Override
        public Tokenizer create() {
            return new PatternTokenizer(pattern, group);
        }
    }

    /** The pre-configured {@code "tokenizer": "pattern"} (no settings: {@code \W+}, split). */
    static Tokenizer newDefaultPatternTokenizer() {
        return new PatternTokenizer(Regex.compile(DEFAULT_TOKENIZER_PATTERN, null), -1);
    }

    /** Factory for the pre-built, settings-free {@code english} analyzer. */
    static Analyzer newDefaultEnglishAnalyzer() {
        return new EnglishAnalyzer();
    }
}
