-- One database per service: each service owns its data.
CREATE DATABASE intake;
CREATE DATABASE tasks;
CREATE DATABASE evaluation;
CREATE DATABASE notify;
