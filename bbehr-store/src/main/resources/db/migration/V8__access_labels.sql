-- Access labels (docs/access.md): each version, and each resource's current state, carries the Patients whose R4
-- compartment it is in (their resource ids) and its consent category (the bit number of ARCHITECTURE.md's record
-- categories: 0 demographics … 11 other, 12 sensitive), so that an access decision needs no decryption and a search
-- can be restricted in its own SQL. The node makes them when it writes a version; the rest of this migration gives
-- versions written before this change their labels, from their resource's current index rows (every version of a
-- resource takes its current version's labels).
ALTER TABLE versions ADD COLUMN compartment text[] COLLATE "C" NOT NULL DEFAULT '{}',
    ADD COLUMN category smallint NOT NULL DEFAULT 11;
ALTER TABLE resources ADD COLUMN compartment text[] COLLATE "C" NOT NULL DEFAULT '{}',
    ADD COLUMN category smallint NOT NULL DEFAULT 11;

-- The reference parameters whose rows put a resource in a Patient's compartment, per type (the R4 Patient
-- CompartmentDefinition, each parameter replaced by the stored one it is an alias of), as the node computes them.
CREATE TEMPORARY TABLE compartment_params (type text COLLATE "C", param text COLLATE "C") ON COMMIT DROP;
INSERT INTO compartment_params (type, param) VALUES
    ('Account', 'subject'), ('AdverseEvent', 'subject'), ('AllergyIntolerance', 'patient'),
    ('AllergyIntolerance', 'recorder'), ('AllergyIntolerance', 'asserter'), ('Appointment', 'actor'),
    ('AppointmentResponse', 'actor'), ('AuditEvent', 'patient'), ('Basic', 'author'), ('Basic', 'subject'),
    ('BodyStructure', 'patient'), ('CarePlan', 'performer'), ('CarePlan', 'subject'), ('CareTeam', 'subject'),
    ('CareTeam', 'participant'), ('ChargeItem', 'subject'), ('Claim', 'payee'), ('Claim', 'patient'),
    ('ClaimResponse', 'patient'), ('ClinicalImpression', 'subject'), ('Communication', 'sender'),
    ('Communication', 'subject'), ('Communication', 'recipient'), ('CommunicationRequest', 'recipient'),
    ('CommunicationRequest', 'subject'), ('CommunicationRequest', 'sender'), ('CommunicationRequest', 'requester'),
    ('Composition', 'author'), ('Composition', 'subject'), ('Composition', 'attester'), ('Condition', 'asserter'),
    ('Condition', 'subject'), ('Consent', 'patient'), ('Coverage', 'subscriber'), ('Coverage', 'policy-holder'),
    ('Coverage', 'beneficiary'), ('Coverage', 'payor'), ('CoverageEligibilityRequest', 'patient'),
    ('CoverageEligibilityResponse', 'patient'), ('DetectedIssue', 'patient'), ('Device', 'patient'),
    ('DeviceRequest', 'performer'), ('DeviceRequest', 'subject'), ('DeviceUseStatement', 'patient'),
    ('DiagnosticReport', 'subject'), ('DocumentManifest', 'author'), ('DocumentManifest', 'subject'),
    ('DocumentManifest', 'recipient'), ('DocumentReference', 'author'), ('DocumentReference', 'subject'),
    ('Encounter', 'subject'), ('EnrollmentRequest', 'patient'), ('EpisodeOfCare', 'patient'),
    ('ExplanationOfBenefit', 'payee'), ('ExplanationOfBenefit', 'patient'), ('FamilyMemberHistory', 'patient'),
    ('Flag', 'subject'), ('Goal', 'subject'), ('Group', 'member'), ('ImagingStudy', 'subject'),
    ('Immunization', 'patient'), ('ImmunizationEvaluation', 'patient'), ('ImmunizationRecommendation', 'patient'),
    ('Invoice', 'subject'), ('Invoice', 'recipient'), ('List', 'subject'), ('List', 'source'),
    ('MeasureReport', 'subject'), ('Media', 'subject'), ('MedicationAdministration', 'performer'),
    ('MedicationAdministration', 'subject'), ('MedicationDispense', 'receiver'), ('MedicationDispense', 'subject'),
    ('MedicationRequest', 'subject'), ('MedicationStatement', 'subject'), ('MolecularSequence', 'patient'),
    ('NutritionOrder', 'patient'), ('Observation', 'performer'), ('Observation', 'subject'), ('Patient', 'link'),
    ('Person', 'link'), ('Procedure', 'performer'), ('Procedure', 'subject'), ('Provenance', 'target'),
    ('QuestionnaireResponse', 'author'), ('QuestionnaireResponse', 'subject'), ('RelatedPerson', 'patient'),
    ('RequestGroup', 'subject'), ('RequestGroup', 'participant'), ('ResearchSubject', 'individual'),
    ('RiskAssessment', 'subject'), ('Schedule', 'actor'), ('ServiceRequest', 'performer'),
    ('ServiceRequest', 'subject'), ('Specimen', 'subject'), ('SupplyDelivery', 'patient'),
    ('SupplyRequest', 'subject'), ('VisionPrescription', 'patient');

CREATE TEMPORARY TABLE type_categories (type text COLLATE "C", category smallint) ON COMMIT DROP;
INSERT INTO type_categories (type, category) VALUES
    ('Patient', 0), ('RelatedPerson', 0), ('Encounter', 1), ('EpisodeOfCare', 1), ('Appointment', 1),
    ('Condition', 2), ('AllergyIntolerance', 3), ('Medication', 4), ('MedicationAdministration', 4),
    ('MedicationDispense', 4), ('MedicationRequest', 4), ('MedicationStatement', 4), ('MedicationKnowledge', 4),
    ('Immunization', 4), ('DiagnosticReport', 6), ('Specimen', 6), ('ServiceRequest', 6), ('Procedure', 7),
    ('ImagingStudy', 7), ('DocumentReference', 8), ('Binary', 8), ('Composition', 8), ('CarePlan', 9),
    ('CareTeam', 9), ('Goal', 9), ('Claim', 10), ('ExplanationOfBenefit', 10), ('Coverage', 10);

UPDATE resources r SET
    compartment = ARRAY(
        SELECT r.id WHERE r.type = 'Patient'
        UNION
        SELECT x.target_id FROM search_reference x
            JOIN compartment_params p ON p.type = x.type AND p.param = x.param
            WHERE x.type = r.type AND x.id = r.id AND x.target_type = 'Patient' AND x.target_id <> ''),
    category = CASE
        WHEN EXISTS (SELECT 1 FROM search_token t WHERE t.type = r.type AND t.id = r.id AND t.param = '_security'
                AND t.code IN ('R', 'V', 'PSY', 'PSYTHPN', 'HIV', 'STD', 'SUD', 'ETH', 'ETHUD', 'SEX', 'SDV')
                AND t.system IN ('', 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality',
                    'http://terminology.hl7.org/CodeSystem/v3-ActCode')) THEN 12
        WHEN r.type = 'Observation' THEN CASE
            WHEN EXISTS (SELECT 1 FROM search_token t WHERE t.type = r.type AND t.id = r.id AND t.param = 'category'
                    AND t.code = 'vital-signs'
                    AND t.system IN ('', 'http://terminology.hl7.org/CodeSystem/observation-category')) THEN 5
            ELSE 6 END
        ELSE COALESCE((SELECT c.category FROM type_categories c WHERE c.type = r.type), 11)
    END;

UPDATE versions v SET compartment = r.compartment, category = r.category
    FROM resources r WHERE r.type = v.type AND r.id = v.id;
