package workbench.estest;

import org.apache.lucene.analysis.Analyzer;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.index.analysis.AnalyzerProvider;
import org.elasticsearch.index.analysis.CharFilterFactory;
import org.elasticsearch.index.analysis.PreBuiltAnalyzerProviderFactory;
import org.elasticsearch.index.analysis.PreConfiguredTokenizer;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.indices.analysis.PreBuiltCacheFactory.CachingStrategy;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.rest.RestHandler;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The small plugin standing in for the two Elasticsearch modules that Maven Central does not
 * carry: {@code analysis-common} (only the English analysis pieces, the {@code pattern}
 * tokenizer, the {@code snowball} filter and the {@code mapping} char filter) and
 * {@code rest-root}.
 */
public class TestSupportPlugin extends Plugin implements AnalysisPlugin, ActionPlugin {

    private volatile ClusterService clusterService;

    @Override
    public Collection<?> createComponents(PluginServices services) {
        this.clusterService = services.clusterService();
        return List.of();
    }

    @Override
    public Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> getAnalyzers() {
        return Map.of("english", AnalysisSupport.EnglishAnalyzerProvider::new);
    }

    @Override
    public List<PreBuiltAnalyzerProviderFactory> getPreBuiltAnalyzerProviderFactories() {
        return List.of(new PreBuiltAnalyzerProviderFactory("english", CachingStrategy.LUCENE, AnalysisSupport::newDefaultEnglishAnalyzer));
    }

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        Map<String, AnalysisProvider<TokenFilterFactory>> filters = new TreeMap<>();
        filters.put("stemmer", AnalysisSupport.StemmerTokenFilterFactory::new);
        filters.put("porter_stem", AnalysisSupport.PorterStemTokenFilterFactory::new);
        filters.put("snowball", AnalysisSupport.SnowballTokenFilterFactory::new);
        filters.put("kstem", AnalysisSupport.KStemTokenFilterFactory::new);
        filters.put("lowercase", AnalysisSupport.LowerCaseTokenFilterFactory::new);
        filters.put("asciifolding", AnalysisSupport.ASCIIFoldingTokenFilterFactory::new);
        return filters;
    }

    @Override
    public Map<String, AnalysisProvider<CharFilterFactory>> getCharFilters() {
        // like analysis-common: built only where an index defines it (it needs its rules)
        return Map.of("mapping", AnalysisPlugin.requiresAnalysisSettings(AnalysisSupport.MappingCharFilterFactory::new));
    }

    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        return Map.of("pattern", AnalysisSupport.PatternTokenizerFactory::new);
    }

    @Override
    public List<PreConfiguredTokenizer> getPreConfiguredTokenizers() {
        // like analysis-common: "tokenizer": "pattern" without a definition means \W+, split
        return List.of(PreConfiguredTokenizer.singleton("pattern", AnalysisSupport::newDefaultPatternTokenizer));
    }

    @Override
    public Collection<RestHandler> getRestHandlers(
        RestHandlersServices services,
        Supplier<DiscoveryNodes> nodesInCluster,
        Predicate<NodeFeature> clusterSupportsFeature
    ) {
        Supplier<ClusterService> cs = () -> clusterService;
        return List.of(new RootInfoRestHandler(cs));
    }
}
