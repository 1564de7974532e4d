// Package classify labels a work-sample description written by a management
// master's applicant against the advising office's framework: is it evidence of
// technology management (organisational technology capability), engineering
// management (controlled technical delivery), both (hybrid), or not enough
// evidence of management accountability? It also names the kind of
// deliverable, the indicators found on each side and a plain-language
// rationale. It never exposes a numeric score.
//
// The package is pure and deterministic, and imports only the standard library.
package classify

// Label is the classification of one work-sample description.
type Label string

// The four labels of the office's framework.
const (
	// TechnologyManagement: organisational technology capability work is what
	// the author was accountable for.
	TechnologyManagement Label = "technology_management"
	// EngineeringManagement: controlled technical delivery is what the author
	// was accountable for.
	EngineeringManagement Label = "engineering_management"
	// Hybrid: substantial evidence of both.
	Hybrid Label = "hybrid"
	// InsufficientEvidence: too short, vague, off-topic, or individual
	// technical work with no management accountability.
	InsufficientEvidence Label = "insufficient_evidence"
)

// Labels lists all valid labels (for validation elsewhere).
func Labels() []Label {
	return []Label{TechnologyManagement, EngineeringManagement, Hybrid, InsufficientEvidence}
}

// Valid reports whether l is one of the four labels.
func (l Label) Valid() bool {
	switch l {
	case TechnologyManagement, EngineeringManagement, Hybrid, InsufficientEvidence:
		return true
	}
	return false
}

// DeliverableType is the kind of work sample, as listed by the framework.
type DeliverableType string

// Deliverable types, exactly as the framework lists them.
const (
	// BusinessCase is a business case or investment paper (also technology commercialisation plans).
	BusinessCase DeliverableType = "business_case"
	// TechnologyRoadmap is a technology roadmap, strategy or portfolio.
	TechnologyRoadmap DeliverableType = "technology_roadmap"
	// AdoptionPlan is an adoption or implementation plan for a technology.
	AdoptionPlan DeliverableType = "adoption_plan"
	// GovernanceModel is a governance model, board or set of governance rules.
	GovernanceModel DeliverableType = "governance_model"
	// Policy is an organisational technology or data policy.
	Policy DeliverableType = "policy"
	// VendorEvaluation is a vendor evaluation or platform selection.
	VendorEvaluation DeliverableType = "vendor_evaluation"
	// CapabilityAssessment is a capability or maturity assessment.
	CapabilityAssessment DeliverableType = "capability_assessment"
	// KnowledgeManagement is a knowledge-management process or system.
	KnowledgeManagement DeliverableType = "knowledge_management"
	// AnalyticsUseCase is an analytics use case or use-case portfolio.
	AnalyticsUseCase DeliverableType = "analytics_use_case"
	// DesignReview is a design review record or design review cycle.
	DesignReview DeliverableType = "design_review"
	// ProjectExecutionPlan is a project execution plan, schedule or work-package breakdown.
	ProjectExecutionPlan DeliverableType = "project_execution_plan"
	// ProductionPlan is a production or capacity plan.
	ProductionPlan DeliverableType = "production_plan"
	// TestDocumentation is test, validation or qualification documentation.
	TestDocumentation DeliverableType = "test_documentation"
	// QualityPlan is a quality plan or report, including reliability programmes.
	QualityPlan DeliverableType = "quality_plan"
	// RiskRegister is a risk register (for either side).
	RiskRegister DeliverableType = "risk_register"
	// CostScheduleAnalysis is a cost or schedule analysis or control report.
	CostScheduleAnalysis DeliverableType = "cost_schedule_analysis"
	// HandoverPlan is a commissioning, handover or operational-readiness plan.
	HandoverPlan DeliverableType = "handover_plan"
	// Other is anything else, including descriptions with no recognisable deliverable.
	Other DeliverableType = "other"
)

// DeliverableTypes lists all valid deliverable types.
func DeliverableTypes() []DeliverableType {
	return []DeliverableType{BusinessCase, TechnologyRoadmap, AdoptionPlan, GovernanceModel, Policy,
		VendorEvaluation, CapabilityAssessment, KnowledgeManagement, AnalyticsUseCase, DesignReview,
		ProjectExecutionPlan, ProductionPlan, TestDocumentation, QualityPlan, RiskRegister,
		CostScheduleAnalysis, HandoverPlan, Other}
}

// Valid reports whether d is one of the framework's deliverable types.
func (d DeliverableType) Valid() bool {
	for _, v := range DeliverableTypes() {
		if d == v {
			return true
		}
	}
	return false
}

// Indicators lists the human-readable indicator names found on each side,
// strongest first. Neither slice is ever nil.
type Indicators struct {
	TechnologyManagement  []string
	EngineeringManagement []string
}

// Result is the classification of one description.
type Result struct {
	Label           Label
	DeliverableType DeliverableType
	Indicators      Indicators
	// Rationale is one to three plain-language sentences; it never contains scores.
	Rationale string
	// Borderline is true when another label was close, so an advisor should
	// read the sample before relying on its label. It is a yes/no marker,
	// never a score.
	Borderline bool
	Version    string
}

// Classify labels one work-sample description. It is safe for concurrent use.
//
// The reading of the text (who owned which clause, which indicators appear
// where) is turned into features; the learned model decides the label from
// them; the indicators, deliverable type and rationale come from the
// reading, so the label is explained by the evidence that decided it.
func Classify(title, description string) Result {
	d := newDocument(title, description)
	ev := d.evaluate()
	label, lead := learned.decide(ev)
	return ev.result(label, lead < learned.margin, wording{learned, ev})
}
