// Package grafana holds no code: its tests check the Grafana dashboard in
// dashboards/ (its structure, and that every panel's query returns data
// from a Prometheus scraping a running `bulkverify dev`).
package grafana
