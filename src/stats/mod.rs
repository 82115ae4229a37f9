//! Statistics across replications.
