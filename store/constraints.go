package store

// Names of the constraints the package maps errors by. They are the production database's names (see
// schema/), so errors read the same on a database the platform's backend created.
const (
	ConstraintUsernameProvider       = "_username_provider_uc"
	ConstraintSimulationJobID        = "Simulation_job_id_key"
	ConstraintSimulationTask         = "_simulation_id_task_id_uc"
	ConstraintClusterName            = "_cluster_name_uc"
	ConstraintEstimatorFileName      = "_simulation_id_file_name_uc"
	ConstraintPageNumber             = "_estimator_id_page_number_uc"
	ConstraintSimulationUser         = "Simulation_user_id_fkey"
	ConstraintBatchSimulationCluster = "BatchSimulation_cluster_id_fkey"
)

// constraintDescriptions says in words what breaking a constraint means, for error messages.
var constraintDescriptions = map[string]string{
	ConstraintUsernameProvider:       "a user with this name and provider already exists",
	ConstraintSimulationJobID:        "a simulation with this job id already exists",
	ConstraintSimulationTask:         "the simulation already has a task with this number",
	ConstraintClusterName:            "a cluster with this name already exists",
	ConstraintEstimatorFileName:      "the simulation already has an estimator with this name",
	ConstraintPageNumber:             "the estimator already has a page with this number",
	ConstraintSimulationUser:         "the user owns simulations, or the owner does not exist",
	ConstraintBatchSimulationCluster: "batch simulations ran on the cluster, or the cluster does not exist",
	"Simulation_job_state_check":     "unknown simulation state",
	"Simulation_platform_check":      "unknown platform",
	"Simulation_input_type_check":    "unknown input type",
	"Simulation_sim_type_check":      "unknown simulation type",
	"User_auth_provider_check":       "unknown auth provider",
}
