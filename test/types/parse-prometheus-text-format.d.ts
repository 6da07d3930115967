/**
 * Types for parse-prometheus-text-format 1.1 (Apache-2.0; it ships none): parses the Prometheus
 * text exposition format into metric families, and throws on malformed input.
 * https://github.com/yunyu/parse-prometheus-text-format
 */
declare module 'parse-prometheus-text-format' {
  export interface PrometheusSample {
    value?: string;
    labels?: Record<string, string>;
    buckets?: Record<string, string>;
    count?: string;
    sum?: string;
  }
  export interface PrometheusFamily {
    name: string;
    help: string;
    type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
    metrics: PrometheusSample[];
  }
  export default function parsePrometheusTextFormat(text: string): PrometheusFamily[];
}
